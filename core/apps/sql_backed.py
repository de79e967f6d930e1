"""What applications that live on a SQL back end share (SharePoint, BlackBerry):
their data is the back end's instance, protected in SQL instance mode only."""

from __future__ import annotations

from core.apps import sqlcommon as sq
from core.apps.common import AppBase, folder_rules
from core.errors import InvalidInput
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.server import Server


class SqlBackedApp(AppBase):
    def removable_service(self, item: ServiceItem) -> bool:
        return item.user_added or not sq.is_engine_service(item.name)

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        return (sq.instance_rules(source, config.connection.databases)
                + folder_rules(list(config.connection.volume_paths)))

    def instance_mode_errors(self, config: ProtectionConfig) -> list[InvalidInput]:
        """SQL instance mode is the only one these applications support."""
        if config.connection.sql_mode == "instance":
            return []
        return [InvalidInput("connection.sql_mode",
                             f"{self.title} is protected in SQL instance mode only")]
