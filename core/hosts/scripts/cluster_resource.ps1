# Create, delete, or bring online/offline a resource of a cluster group with cluster.exe.
# Like every host operation it needs PowerShell 3.0 (ConvertFrom-Json): see core/hosts/ops.py.
# A group's resources are listed by cluster_info.
# Create is idempotent (the same name and type again: changed = false). A create that fails
# after cluster.exe made the resource deletes it again (only one made in this run), then
# fails. Deleting a resource that is gone is not an error. Params: action, name, group,
# type, private (property -> value), depends (resource names), online, wait (seconds).
$ns = 'root\MSCluster'
$a = "$($p.action)".ToLower(); $n = "$($p.name)"; $w = "/wait:$(if ($p.wait) { [int]$p.wait } else { 60 })"
function NF($m) { throw (New-Object Management.Automation.ItemNotFoundException "$m does not exist.") }
function Cl { $ErrorActionPreference = 'Continue'; $o = (& cluster.exe @args 2>&1 | Out-String).Trim(); if ($LASTEXITCODE) { throw "cluster.exe: $o" } }
if (-not $n) { throw 'The resource name is empty.' }
$r = Get-WmiObject MSCluster_Resource -Namespace $ns | Where-Object { $_.Name -eq $n }
$changed = $false
if ($a -eq 'create') {
  if ($r) { if ($r.Type -ne $p.type) { throw "The cluster resource name '$n' is already in use ($($r.Type))." } }
  else {
    if (-not (Get-WmiObject MSCluster_ResourceGroup -Namespace $ns | Where-Object { $_.Name -eq $p.group })) { NF "The cluster group '$($p.group)'" }
    Cl resource $n /create "/group:$($p.group)" "/type:$($p.type)"
    $changed = $true }
  try {
    if ($changed) {
      foreach ($k in @($p.private.PSObject.Properties)) { Cl resource $n /priv "$($k.Name)=$($k.Value)" }
      foreach ($d in @($p.depends)) { if ($d) { Cl resource $n "/adddep:$d" } } }
    if ($p.online) { Cl resource $n /online $w }
  } catch { if ($changed) { try { Cl resource $n /offline $w; Cl resource $n /delete } catch {} }; throw }
} elseif ($a -eq 'delete') {
  if ($r) { Cl resource $n /offline $w; Cl resource $n /delete; $changed = $true }
} elseif ($a -eq 'online' -or $a -eq 'offline') {
  if (-not $r) { NF "The cluster resource '$n'" }
  $changed = (([int]$r.State -eq 2) -ne ($a -eq 'online')); Cl resource $n "/$a" $w
} else { throw (New-Object ArgumentException 'Actions are create, delete, online and offline.') }
ConvertTo-Json -InputObject @{name = $n; action = $a; changed = $changed} -Compress
