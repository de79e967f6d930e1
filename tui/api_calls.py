"""Running façade calls off the UI thread (ARCHITECTURE rule 3).

``call_api`` starts a thread worker that calls one ConsoleApi method and
posts an :class:`ApiDone` message carrying the core object (or the typed
error) back to the node that asked; the node's ``api_<op>`` /
``api_failed_<op>`` method then updates widgets on the UI thread. Workers
never touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.message import Message
from textual.worker import Worker, get_current_worker

from core.errors import AppmgrError
from tui.hosts import appmgr_app

if TYPE_CHECKING:
    from core.console.api import ConsoleApi


class ApiDone(Message):
    def __init__(self, op: str, result: Any = None, error: BaseException | None = None,
                 tag: Any = None) -> None:
        super().__init__()
        self.op = op
        self.result = result
        self.error = error
        self.tag = tag


class ApiProgress(Message):
    def __init__(self, op: str, text: str) -> None:
        super().__init__()
        self.op = op
        self.text = text


def error_text(err: BaseException) -> str:
    """One readable line for any error; never a traceback."""
    if isinstance(err, AppmgrError):
        return str(err)
    return f"Unexpected error ({type(err).__name__}): {err}"


class ApiCaller:
    """Mixin for widgets and screens that call the façade.

    A call's result goes to the node's ``api_<op>``; an op called for its effect only
    is named in ``RESULT_IGNORED``. Any other result is an error (LookupError), never
    dropped in silence: tests/tui/test_api_handlers.py checks every call statically.
    """

    RESULT_IGNORED: ClassVar[frozenset[str]] = frozenset()

    @property
    def api(self) -> ConsoleApi:
        """The console façade the app runs on (``self.app`` is typed ``App[Any]``)."""
        return appmgr_app(self).api

    def call_api(self, op: str, fn: Callable[..., Any], *args: Any, tag: Any = None,
                 progress: bool = False, group: str | None = None,
                 **kwargs: Any) -> Worker[None]:
        """Call ``fn(*args, **kwargs)`` in a thread; a newer call of the same
        group (default: ``op``) supersedes an older one, whose result is dropped."""
        node: Any = self

        def job() -> None:
            worker = get_current_worker()
            if progress:
                kwargs["progress"] = lambda text: node.post_message(ApiProgress(op, str(text)))
            try:
                result = fn(*args, **kwargs)
            except Exception as err:  # typed errors expected; anything else shown, not raised
                if not worker.is_cancelled:
                    node.post_message(ApiDone(op, error=err, tag=tag))
                return
            if not worker.is_cancelled:
                node.post_message(ApiDone(op, result=result, tag=tag))

        return node.run_worker(job, name=op, group=group or op, thread=True, exclusive=True,
                               exit_on_error=False)

    def on_api_done(self, message: ApiDone) -> None:
        message.stop()
        if message.error is not None:
            handler = getattr(self, f"api_failed_{message.op}", None)
            if handler is not None:
                handler(message.error, message.tag)
            else:
                self.api_failed(message.op, message.error)
            return
        handler = getattr(self, f"api_{message.op}", None)
        if handler is not None:
            handler(message.result, message.tag)
        elif message.op not in self.RESULT_IGNORED:
            raise LookupError(f"{type(self).__name__} has no api_{message.op} for the "
                              f"result of {message.op!r} (nor lists it in RESULT_IGNORED)")

    def on_api_progress(self, message: ApiProgress) -> None:
        message.stop()
        handler = getattr(self, f"progress_{message.op}", None)
        if handler is not None:
            handler(message.text)

    def api_failed(self, op: str, err: BaseException) -> None:
        """Default: a notification with the error's sentence."""
        node: Any = self
        node.notify(error_text(err), title="Could not complete", severity="error", timeout=8)
