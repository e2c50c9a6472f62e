"""The baseline: a bare FastAPI endpoint taking the same request model as the access check."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from services.projections.schemas import CheckIn, CheckOut

app = FastAPI()


@app.post("/v1/platforms/{platform}/access/check", response_model=CheckOut)
async def check(platform: str, body: CheckIn) -> dict[str, Any]:
    """Parse the same body, answer the same shape, decide nothing."""
    return {"allowed": True, "rights": "view", "via": "grant", "reasons": [], "position": 0}
