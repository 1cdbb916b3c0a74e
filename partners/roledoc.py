"""The README's role table, generated from partners/roles.py."""

from django.utils import translation

from .roles import PERM_LABELS, ROLES, Perm, Role


def role_table_markdown() -> str:
    with translation.override("en-gb"):
        roles = list(Role)
        header = "| Permission | " + " | ".join(str(r.label) for r in roles) + " |"
        rule = "|---|" + "---|" * len(roles)
        rows = [
            f"| {PERM_LABELS[perm]} | "
            + " | ".join("yes" if perm in ROLES[r].perms else "–" for r in roles) + " |"
            for perm in Perm
        ]
        mfa = ("| Two-factor required by default | "
               + " | ".join("yes" if ROLES[r].two_factor_by_default else "–" for r in roles)
               + " |")
        audience = ("| Audience for figures | "
                    + " | ".join(ROLES[r].audience.value for r in roles) + " |")
        return "\n".join([header, rule, *rows, mfa, audience])
