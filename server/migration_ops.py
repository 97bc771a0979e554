"""Migration operations of our own, for what Tortoise 1.1.9's operations get wrong."""

from __future__ import annotations

from tortoise.migrations.operations import AlterField


class AlterFieldState(AlterField):
    """An AlterField that changes the migration state only.

    For changes the database does not see — an enum's values, which Tortoise keeps in the
    column's description — so `makemigrations` stops proposing them. A plain AlterField would
    rebuild the table on SQLite and lose its UNIQUE constraints and indexes on the way."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None
