"""Status-page components and incidents live here (see the status page issue)."""
