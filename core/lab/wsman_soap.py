"""Just enough WS-Management SOAP for a remote shell (MS-WSMV), as pywinrm uses it.

Requests are read with ElementTree by local names, so any namespace prefixes
work; responses carry ``RelatesTo`` = the request's ``MessageID`` (pywinrm
checks it on Signal and Delete).
"""

from __future__ import annotations

import base64
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

NS_SOAP = "http://www.w3.org/2003/05/soap-envelope"
NS_ADDR = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
NS_WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
NS_SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
NS_TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
NS_FAULT = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
RESOURCE_CMD = f"{NS_SHELL}/cmd"
ANONYMOUS = f"{NS_ADDR}/role/anonymous"

ACTION_CREATE = f"{NS_TRANSFER}/Create"
ACTION_DELETE = f"{NS_TRANSFER}/Delete"
ACTION_COMMAND = f"{NS_SHELL}/Command"
ACTION_RECEIVE = f"{NS_SHELL}/Receive"
ACTION_SIGNAL = f"{NS_SHELL}/Signal"
ACTION_SEND = f"{NS_SHELL}/Send"

#: MS-WSMV fault codes (as Windows reports them in <f:WSManFault Code=…>).
FAULT_SHELL_NOT_FOUND = 2150858843
FAULT_ACTION_NOT_SUPPORTED = 2150858754
FAULT_INVALID = 2150858817
FAULT_OPERATION_TIMEOUT = 2150858793  # "no output yet": the client asks again
_DURATION = re.compile(r"^PT(\d+(?:\.\d+)?)S$")


class SoapError(ValueError):
    """The request is not a WS-Management message we understand."""


@dataclass
class Request:
    action: str
    message_id: str
    shell_id: str = ""
    command_id: str = ""
    command: str = ""
    arguments: list[str] = field(default_factory=list)
    signal: str = ""
    operation_timeout: float = 20.0  # seconds the client lets a Receive wait for output


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def parse_request(body: bytes) -> Request:
    """Read the parts of a WS-Man request the shell plugin needs."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SoapError(f"the request is not XML: {exc}") from None
    if _local(root.tag) != "Envelope":
        raise SoapError("the request is not a SOAP envelope")
    action = _find(root, "Action")
    action_text = (action.text or "").strip() if action is not None else ""
    if not action_text:
        raise SoapError("the request has no wsa:Action")
    msg = _find(root, "MessageID")
    req = Request(action_text, (msg.text or "").strip() if msg is not None else "")
    timeout = _find(root, "OperationTimeout")
    if timeout is not None and (m := _DURATION.match((timeout.text or "").strip())):
        req.operation_timeout = float(m.group(1))
    for sel in root.iter():
        if _local(sel.tag) == "Selector" and sel.get("Name") == "ShellId":
            req.shell_id = (sel.text or "").strip()
    soap_body = _find(root, "Body")
    for e in soap_body.iter() if soap_body is not None else ():
        name = _local(e.tag)
        if name == "Command":
            req.command = (e.text or "").strip()
        elif name == "Arguments":
            req.arguments.append((e.text or "").strip())
        elif name == "Code":
            req.signal = (e.text or "").strip()
        elif name in ("Signal", "DesiredStream", "Stream") and e.get("CommandId"):
            req.command_id = e.get("CommandId", "")
    return req


def envelope(action: str, relates_to: str, body: str) -> bytes:
    """A response envelope for ``action`` answering the message ``relates_to``."""
    head = (f"<a:Action>{escape(action)}</a:Action>"
            f"<a:MessageID>uuid:{uuid.uuid4()}</a:MessageID>"
            f"<a:To>{ANONYMOUS}</a:To>"
            f"<a:RelatesTo>{escape(relates_to)}</a:RelatesTo>")
    return (f'<s:Envelope xml:lang="en-US" xmlns:s="{NS_SOAP}" xmlns:a="{NS_ADDR}" '
            f'xmlns:x="{NS_TRANSFER}" xmlns:w="{NS_WSMAN}" xmlns:rsp="{NS_SHELL}">'
            f"<s:Header>{head}</s:Header><s:Body>{body}</s:Body></s:Envelope>").encode()


def create_response(req: Request, shell_id: str, endpoint: str) -> bytes:
    body = (f"<x:ResourceCreated><a:Address>{escape(endpoint)}</a:Address>"
            f"<a:ReferenceParameters><w:ResourceURI>{RESOURCE_CMD}</w:ResourceURI>"
            f'<w:SelectorSet><w:Selector Name="ShellId">{shell_id}</w:Selector></w:SelectorSet>'
            f"</a:ReferenceParameters></x:ResourceCreated>"
            f"<rsp:Shell><rsp:ShellId>{shell_id}</rsp:ShellId><rsp:ResourceUri>{RESOURCE_CMD}"
            f"</rsp:ResourceUri><rsp:InputStreams>stdin</rsp:InputStreams>"
            f"<rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>")
    return envelope(f"{NS_TRANSFER}/CreateResponse", req.message_id, body)


def command_response(req: Request, command_id: str) -> bytes:
    body = f"<rsp:CommandResponse><rsp:CommandId>{command_id}</rsp:CommandId></rsp:CommandResponse>"
    return envelope(f"{NS_SHELL}/CommandResponse", req.message_id, body)


def receive_response(req: Request, command_id: str, stdout: bytes, stderr: bytes,
                     exit_code: int) -> bytes:
    """All output at once and the Done state (lab commands finish before Receive)."""
    cid = quoteattr(command_id)
    parts = []
    for name, data in (("stdout", stdout), ("stderr", stderr)):
        if data:
            parts.append(f"<rsp:Stream Name={quoteattr(name)} CommandId={cid}>"
                         f"{base64.b64encode(data).decode('ascii')}</rsp:Stream>")
        parts.append(f'<rsp:Stream Name="{name}" CommandId={cid} End="true"></rsp:Stream>')
    parts.append(f'<rsp:CommandState CommandId={cid} State="{NS_SHELL}/CommandState/Done">'
                 f"<rsp:ExitCode>{int(exit_code)}</rsp:ExitCode></rsp:CommandState>")
    body = f"<rsp:ReceiveResponse>{''.join(parts)}</rsp:ReceiveResponse>"
    return envelope(f"{NS_SHELL}/ReceiveResponse", req.message_id, body)


def signal_response(req: Request) -> bytes:
    return envelope(f"{NS_SHELL}/SignalResponse", req.message_id, "<rsp:SignalResponse/>")


def delete_response(req: Request) -> bytes:
    return envelope(f"{NS_TRANSFER}/DeleteResponse", req.message_id, "")


def fault(req: Request | None, code: int, reason: str, subcode: str = "w:InvalidSelectors") -> bytes:
    """A SOAP fault (sent with HTTP 500) carrying a Microsoft WSManFault code."""
    body = (f"<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>{subcode}"
            f"</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">"
            f"{escape(reason)}</s:Text></s:Reason><s:Detail>"
            f'<f:WSManFault xmlns:f="{NS_FAULT}" Code="{code}" Machine="lab">'
            f"<f:Message>{escape(reason)}</f:Message></f:WSManFault></s:Detail></s:Fault>")
    return envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
                    req.message_id if req else "", body)
