"""Roles and what each may do. One table, read by views, the API and the docs."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    ANALYST = "analyst", "Analyst"
    AGENT = "agent", "Agent"
    VIEWER = "viewer", "Viewer"


class Permission(models.TextChoices):
    VIEW_DASHBOARDS = "view_dashboards", "Read surveys, dashboards and scores"
    VIEW_CUSTOMERS = "view_customers", "Read customers and their answers"
    EDIT_SURVEYS = "edit_surveys", "Create, edit and publish surveys"
    IMPORT_CUSTOMERS = "import_customers", "Create and import customers"
    MANAGE_TOKENS = "manage_tokens", "Create and revoke their own API tokens"
    MANAGE_MEMBERS = "manage_members", "Invite members and change roles"
    MANAGE_ORGANIZATION = "manage_organization", "Rename or delete the organization"
    EXPORT_DATA = "export_data", "Export responses, feedback and customers"
    ERASE_CUSTOMERS = "erase_customers", "Export or erase the data of one customer (their rights)"
    VIEW_AUDIT = "view_audit", "Read the audit log"
    WORK_CASES = "work_cases", "Work follow-up cases and make commitments"
    VIEW_CASE_NUMBERS = "view_case_numbers", "Read the case and commitment numbers"


_ALL = set(Permission)
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(_ALL),
    Role.ADMIN: frozenset(_ALL - {Permission.MANAGE_ORGANIZATION}),
    Role.ANALYST: frozenset(
        {
            Permission.VIEW_DASHBOARDS,
            Permission.VIEW_CUSTOMERS,
            Permission.EDIT_SURVEYS,
            Permission.IMPORT_CUSTOMERS,
            Permission.MANAGE_TOKENS,
            Permission.EXPORT_DATA,
            Permission.VIEW_CASE_NUMBERS,
        }
    ),
    Role.AGENT: frozenset(
        {
            Permission.VIEW_DASHBOARDS,
            Permission.VIEW_CUSTOMERS,
            Permission.MANAGE_TOKENS,
            Permission.WORK_CASES,
        }
    ),
    Role.VIEWER: frozenset({Permission.VIEW_DASHBOARDS}),
}


def role_allows(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
