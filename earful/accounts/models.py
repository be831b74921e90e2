from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from earful.accounts.roles import Permission, Role, role_allows
from earful.core.models import TimeStamped


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("email: required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in matches the email whatever its case: create_user stores it lower-cased."""
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Email is the login; memberships give access to organizations."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]


class Organization(TimeStamped):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.name


class Member(TimeStamped):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.role}) in {self.organization}"

    def can(self, permission: str) -> bool:
        return role_allows(self.role, permission)

    @property
    def reads_customers(self) -> bool:
        """For templates: whether pages may show this member who wrote what."""
        return self.can(Permission.VIEW_CUSTOMERS)


class ApiToken(TimeStamped):
    """A bearer token acting as its member. Only a SHA-256 digest of the secret is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        max_length=10,
        choices=[("write", "Read and write"), ("read", "Read only")],
        default="write",
        help_text="A read-only token may only GET",
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Null: never expires")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def read_only(self) -> bool:
        return self.scope == "read"


class LoginAttempt(models.Model):
    """One try at the sign-in page: what the lock-out counts (accounts/signin.py), kept for the
    audit log. The email as typed (lowercased; it may name no account) and the client address."""

    class Outcome(models.TextChoices):
        FAILED = "failed"
        SUCCEEDED = "succeeded"
        LOCKED = "locked"  # refused unchecked during a lock-out

    email = models.CharField(max_length=254)
    address = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["email", "at"], name="login_attempt_email"),
            models.Index(fields=["address", "at"], name="login_attempt_address"),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.outcome} at {self.at:%Y-%m-%d %H:%M}"
