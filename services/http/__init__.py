"""HTTP plumbing shared by the services: problems, authentication, limits."""
