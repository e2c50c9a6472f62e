"""The callers each route admits, by scope: the one place the routes' scope aliases live."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.http.auth import Caller, requires

Admin = Annotated[Caller, Depends(requires("admin"))]
GrantsWriter = Annotated[Caller, Depends(requires("grants:write"))]
GrantsReader = Annotated[Caller, Depends(requires("grants:write", "audit:read"))]
UsersWriter = Annotated[Caller, Depends(requires("users:write"))]
Reader = Annotated[Caller, Depends(requires("access:read"))]
Auditor = Annotated[Caller, Depends(requires("audit:read"))]
