# Create, delete, or bring online/offline a resource of a cluster group. Windows 2012 and
# later have no cluster.exe: the FailoverClusters module (2008 R2 and later) does the work
# when it is there, cluster.exe only where it is not (2008). A group's resources are listed
# by cluster_info (root\MSCluster WMI, which every version has).
# Create is idempotent (the same name and type again: changed = false). A create that fails
# after the resource was made deletes it again (only one made in this run), then fails.
# Deleting a resource that is gone is not an error. Params: action, name, group, type,
# private (property -> value), depends (resource names), online, wait (seconds).
$ns = 'root\MSCluster'
$a = "$($p.action)".ToLower(); $n = "$($p.name)"; $s = $(if ($p.wait) { [int]$p.wait } else { 60 })
function NF($m) { throw (New-Object Management.Automation.ItemNotFoundException "$m does not exist.") }
# cluster.exe runs with ErrorActionPreference Continue (its stderr would throw under Stop)
function N { $ErrorActionPreference = 'Continue'; $o = (& cluster.exe resource $n @args 2>&1 | ForEach-Object { "$_" }) -join ' '; if ($LASTEXITCODE) { throw "cluster.exe: $o" } }
# PowerShell 3 loads the module on first use
$fc = [bool](Get-Module -ListAvailable FailoverClusters)
function Cl($v, $x) {
  if ($fc) { switch ($v) {
    create { [void](Add-ClusterResource -Name $n -Group $p.group -ResourceType $p.type) }
    priv { Get-ClusterResource $n | Set-ClusterParameter -Name $x.Name -Value $(if ("$($x.Value)" -match '^\d+$') { [uint32]$x.Value } else { "$($x.Value)" }) }
    dep { [void](Add-ClusterResourceDependency -Resource $n -Provider $x) }
    online { [void](Start-ClusterResource $n -Wait $s) }
    offline { [void](Stop-ClusterResource $n -Wait $s) }
    delete { Remove-ClusterResource $n -Force } }; return }
  $y = switch ($v) {
    create { '/create', "/group:$($p.group)", "/type:$($p.type)" }
    priv { '/priv', "$($x.Name)=$($x.Value)" }
    dep { "/adddep:$x" }
    delete { '/delete' }
    default { "/$v", "/wait:$s" } }
  N @y }
if (-not $n) { throw 'The resource name is empty.' }
$r = Get-WmiObject MSCluster_Resource -Namespace $ns | Where-Object { $_.Name -eq $n }
$changed = $false
if ($a -eq 'create') {
  if ($r) { if ($r.Type -ne $p.type) { throw "The cluster resource name '$n' is already in use ($($r.Type))." } }
  else {
    if (-not (Get-WmiObject MSCluster_ResourceGroup -Namespace $ns | Where-Object { $_.Name -eq $p.group })) { NF "The cluster group '$($p.group)'" }
    Cl create; $changed = $true }
  try {
    if ($changed) {
      foreach ($k in @($p.private.PSObject.Properties)) { Cl priv $k }
      foreach ($d in @($p.depends)) { if ($d) { Cl dep $d } } }
    if ($p.online) { Cl online }
  } catch { if ($changed) { try { Cl offline; Cl delete } catch {} }; throw }
} elseif ($a -eq 'delete') {
  if ($r) { Cl offline; Cl delete; $changed = $true }
} elseif ($a -eq 'online' -or $a -eq 'offline') {
  if (-not $r) { NF "The cluster resource '$n'" }
  $changed = (([int]$r.State -eq 2) -ne ($a -eq 'online')); Cl $a
} else { throw (New-Object ArgumentException 'Actions are create, delete, online and offline.') }
ConvertTo-Json -InputObject @{name = $n; action = $a; changed = $changed} -Compress
