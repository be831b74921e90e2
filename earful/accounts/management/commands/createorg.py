from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earful.accounts.services import create_organization


class Command(BaseCommand):
    help = "Create an organization and its owner; prints the owner's password and an API token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Organization name")
        parser.add_argument("--owner-email", required=True, help="The owner's email (login)")
        parser.add_argument("--slug", default="", help="URL-safe short name (default: from name)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = create_organization(
                name=options["name"], owner_email=options["owner_email"], slug=options["slug"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        org = created.organization
        self.stdout.write(f"organization: {org.name} (slug {org.slug}, id {org.pk})")
        self.stdout.write(f"owner:        {created.owner.user.email}")
        if created.password:
            self.stdout.write(f"password:     {created.password}")
        else:
            self.stdout.write("password:     (existing user: unchanged)")
        self.stdout.write(f"api token:    {created.api_token.raw}")
        self.stdout.write("The password and token are shown once; only their hashes are stored.")
