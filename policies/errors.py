class AccessError(Exception):
    """A refusal that reaches the caller as a top-level GraphQL error with a code."""

    code = "FORBIDDEN"
    message = "You are not allowed to do this."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class NotAuthenticated(AccessError):
    code = "UNAUTHENTICATED"
    message = "Sign in first: send Authorization: Bearer <token or API key>."


class NotAuthorized(AccessError):
    # One message for every denial, so a denial never tells whether the object exists.
    code = "FORBIDDEN"
    message = "You are not allowed to do this."
