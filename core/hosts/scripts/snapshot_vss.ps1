# Windows snapshots of the target's data (SPEC F-6.3) through VSS: Win32_ShadowCopy.
# Run by the target's engine on Windows (core/engine/snap_vss.py), once per volume of the
# set, where it runs as LocalSystem; Linux and the lab take copy-on-write trees instead.
# action: create | list | delete; volume: "E:" (create, list); id: "{GUID}" (delete)
$vol = [string]$p.volume
if ($vol -and -not $vol.EndsWith('\')) { $vol = $vol + '\' }
$out = @()
if ($p.action -eq 'create') {
  $r = ([WMIClass]'root\cimv2:Win32_ShadowCopy').Create($vol, 'ClientAccessible')
  if ($r.ReturnValue -ne 0) { throw "VSS could not snapshot ${vol}: error $($r.ReturnValue)" }
  $out = @(Get-WmiObject Win32_ShadowCopy -Filter "ID='$($r.ShadowID)'")
} elseif ($p.action -eq 'list') {
  $dev = (Get-WmiObject Win32_Volume | Where-Object { $_.Name -eq $vol }).DeviceID
  $out = @(Get-WmiObject Win32_ShadowCopy | Where-Object { $_.VolumeName -eq $dev })
} elseif ($p.action -eq 'delete') {
  if ([string]$p.id -notmatch '^\{[0-9A-Fa-f-]{36}\}$') { throw "not a shadow copy id: $($p.id)" }
  $s = Get-WmiObject Win32_ShadowCopy -Filter "ID='$($p.id)'"
  if (-not $s) { throw "no shadow copy $($p.id)" }
  $s.Delete()
} else { throw "action must be create, list or delete" }
$r = @(foreach ($s in $out) {
  @{id = $s.ID; volume = $vol; device = $s.DeviceObject
    taken = [Management.ManagementDateTimeConverter]::ToDateTime($s.InstallDate).ToUniversalTime().ToString('o')} })
ConvertTo-Json -InputObject @{snapshots = $r; action = [string]$p.action} -Depth 4 -Compress
