"""The pair lifecycle (SPEC F-8, F-9): state machine, enable/disable, live
status, the generated failover plan and the failover / failback / restore
runner. Import the submodule you need; this package imports nothing remote."""

from core.protection.state_machine import ACTIONS, allowed_actions, check_transition, require

__all__ = ["ACTIONS", "allowed_actions", "check_transition", "require"]
