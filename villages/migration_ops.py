"""Migration operations shared by the apps' migrations."""

from __future__ import annotations

from typing import Any

from tortoise.migrations import operations as ops


class AlterEnumDescription(ops.AlterField):
    """New enum values change only the column's description. SQLite keeps no column comments,
    and Tortoise would remake the table there to "alter" it, which fails on the foreign keys
    of an existing database (and would drop the table's triggers): on SQLite the state moves
    on and the table is left alone. PostgreSQL updates the comment."""

    async def database_forward(self, app_label: str, old_state: Any, new_state: Any,
                               state_editor: Any = None) -> None:
        if state_editor is None or state_editor.DIALECT == "sqlite":
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label: str, old_state: Any, new_state: Any,
                                state_editor: Any = None) -> None:
        if state_editor is None or state_editor.DIALECT == "sqlite":
            return
        await super().database_backward(app_label, old_state, new_state, state_editor)
