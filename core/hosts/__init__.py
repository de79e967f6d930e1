"""Host control: PowerShell operations on Windows servers over WinRM.

The adapter is :class:`core.hosts.winrm_host.WinrmHost`; it is the only module
here that imports pywinrm, so the lab and the tests can use the operation
scripts (:mod:`core.hosts.ops`), the CLIXML parser (:mod:`core.hosts.clixml`)
and the inventory conversion (:mod:`core.hosts.inventory`) without it.
"""
