"""CLIXML error parsing (never raises) and the typed error each record becomes."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.errors import NotFound, ProtocolError, Refused
from core.hosts.clixml import PsError, format_error, parse_clixml, readable_stderr
from core.hosts.failures import error_kind, script_failure

# What powershell.exe -EncodedCommand writes to stderr for a missing service
# (Windows Server 2012 R2, PowerShell 4), progress record included.
GET_SERVICE = (
    b'#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
    b'<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject'
    b'</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing '
    b'modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1'
    b'</SR><SD> </SD></PR></MS></Obj>'
    b"<S S=\"Error\">Get-Service : Cannot find any service with service name 'Nope'._x000D__x000A_</S>"
    b'<S S="Error">At line:5 char:6_x000D__x000A_</S>'
    b'<S S="Error">+ $s = Get-Service -Name $p.name_x000D__x000A_</S>'
    b'<S S="Error">+      ~~~~~~~~~~~~~~~~~~~~~~~~~_x000D__x000A_</S>'
    b'<S S="Error">    + CategoryInfo          : ObjectNotFound: (Nope:String) [Get-Service], '
    b'ServiceCommandException_x000D__x000A_</S>'
    b'<S S="Error">    + FullyQualifiedErrorId : NoServiceFoundForGivenName,Microsoft.PowerShell.'
    b'Commands.GetServiceCommand_x000D__x000A_</S><S S="Error"> _x000D__x000A_</S></Objs>'
)

# A long message wrapped by the console host over two records, from a .NET method call.
METHOD_CALL = (
    b'#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
    b'<S S="Error">Exception calling "Start" with "0" argument(s): "Cannot start service '
    b"Spooler on computer '.'.\"_x000D__x000A_</S>"
    b'<S S="Error">At line:9 char:17_x000D__x000A_</S>'
    b'<S S="Error">    + CategoryInfo          : NotSpecified: (:) [], MethodInvocationException'
    b'_x000D__x000A_</S></Objs>'
)


def test_real_get_service_error() -> None:
    err = parse_clixml(GET_SERVICE)
    assert err is not None
    assert err.message == "Cannot find any service with service name 'Nope'."
    assert err.category == "ObjectNotFound"
    assert err.exception == "ServiceCommandException"
    assert err.error_id.startswith("NoServiceFoundForGivenName")
    assert error_kind(err) is NotFound


def test_method_call_message_is_unwrapped() -> None:
    err = parse_clixml(METHOD_CALL)
    assert err is not None
    assert err.message == "Cannot start service Spooler on computer '.'."
    assert error_kind(err) is Refused


def test_progress_only_stream_has_no_error() -> None:
    progress_only = GET_SERVICE.split(b"<S S=")[0] + b"</Objs>"
    assert parse_clixml(progress_only) is None
    assert readable_stderr(progress_only) == ""


def test_plain_stderr_is_passed_through_on_one_line() -> None:
    assert parse_clixml(b"boom\r\n") is None
    assert readable_stderr(b"'x' is not recognized\r\nas a command\r\n") == \
        "'x' is not recognized as a command"


def test_escapes_are_decoded() -> None:
    data = format_error("tab\there _x0041_ literal &amp; <tag> \U0001F600")
    err = parse_clixml(data)
    assert err is not None
    assert err.message == "tab here _x0041_ literal &amp; <tag> \U0001F600"


@pytest.mark.parametrize(("category", "exception", "kind"), [
    ("ObjectNotFound", "ItemNotFoundException", NotFound),
    ("OperationStopped", "DirectoryNotFoundException", NotFound),
    ("OperationStopped", "ItemNotFoundException", NotFound),
    ("PermissionDenied", "ServiceCommandException", Refused),
    ("OperationStopped", "UnauthorizedAccessException", Refused),
    ("ObjectNotFound", "CommandNotFoundException", ProtocolError),
    ("ParserError", "ParentContainsErrorRecordException", ProtocolError),
    ("NotImplemented", "NotSupportedException", ProtocolError),
    ("InvalidData", "ParameterBindingValidationException", ProtocolError),
    ("OperationStopped", "RuntimeException", Refused),
])
def test_error_kinds(category: str, exception: str, kind: type) -> None:
    err = parse_clixml(format_error("something happened", category, exception))
    assert err is not None and error_kind(err) is kind


def test_script_failure_sentence() -> None:
    err = script_failure("FS01 (127.0.43.11)", "service_set", 1, GET_SERVICE)
    assert isinstance(err, NotFound)
    assert str(err) == ("FS01 (127.0.43.11) could not start or stop a service: "
                        "Cannot find any service with service name 'Nope'.")
    plain = script_failure("FS01", "share_add", 5, b"")
    assert isinstance(plain, Refused) and "exited with code 5" in str(plain)


def test_error_without_category_falls_back_to_words() -> None:
    assert error_kind(PsError("The file does not exist")) is NotFound
    assert error_kind(PsError("It broke")) is Refused


no_breaks = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
                    min_size=1, max_size=200)


@given(no_breaks)
def test_written_errors_read_back(message: str) -> None:
    words = " ".join(message.split())
    assume(words and not words.startswith(("+", "At ")) and "Exception calling" not in words)
    assume(not re.match(r"[A-Z][A-Za-z]+-[A-Za-z]+ : ", words))  # a cmdlet prefix is dropped
    err = parse_clixml(format_error(message, "ObjectNotFound", "ItemNotFoundException"))
    assert err is not None
    assert err.category == "ObjectNotFound" and err.exception == "ItemNotFoundException"
    assert err.message == words


@given(st.binary(max_size=400))
def test_never_raises_on_bytes(data: bytes) -> None:
    for blob in (data, b"#< CLIXML\r\n" + data):
        err = parse_clixml(blob)
        assert err is None or isinstance(err.message, str)
        assert isinstance(readable_stderr(blob), str)


fragments = st.sampled_from([
    '<S S="Error">', "</S>", "<Objs>", "</Objs>", "_x000D__x000A_", "_xD83D_", "_xZZZZ_",
    "_x", "&amp;", "&#0;", "&bogus;", "+ CategoryInfo : ", "At line:1 char:1", "]", "[", ", ",
    "\r\n", "<S S='Error'>", "Get-Item : ", 'Exception calling "X" with "1" argument(s): "',
])


@given(st.lists(fragments | st.text(max_size=8), max_size=30))
def test_never_raises_on_clixml_like_text(parts: list[str]) -> None:
    text = "#< CLIXML\r\n" + "".join(parts)
    err = parse_clixml(text)
    assert err is None or (isinstance(err.message, str) and len(err.message) <= 500)
    err_bytes = parse_clixml(text.encode("utf-8", "surrogatepass"))
    assert err_bytes is None or isinstance(err_bytes.message, str)


def test_powershell_2_is_named_not_reported_as_a_refusal() -> None:
    """What powershell.exe 2.0 writes for the preamble's ConvertFrom-Json (Windows Server
    2003 cannot go beyond PowerShell 2.0)."""
    from core.errors import ProtocolError
    from core.hosts.clixml import format_error

    stderr = format_error(
        "The term 'ConvertFrom-Json' is not recognized as the name of a cmdlet, function, "
        "script file, or operable program.", "ObjectNotFound", "CommandNotFoundException",
        "CommandNotFoundException", "$p = ConvertFrom-Json '{}'", 3, "ConvertFrom-Json")
    err = script_failure("EXNODE3 (10.0.0.83)", "cluster_info", 1, stderr)
    assert isinstance(err, ProtocolError)
    assert str(err).startswith("EXNODE3 (10.0.0.83) has PowerShell older than 3.0")
    other = format_error("The term 'Get-Foo' is not recognized as the name of a cmdlet.",
                         "ObjectNotFound", "CommandNotFoundException")
    assert "could not report its cluster" in str(script_failure("X", "cluster_info", 1, other))
