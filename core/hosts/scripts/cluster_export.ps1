# A cluster group's resources with their type, private properties and dependencies, read
# at Enable Protection of a like-named pair so failover can re-create them on the standby
# cluster in the same order and settings (SPEC F-10). root\MSCluster WMI (2003 and later).
$ns = 'root\MSCluster'
$g = Get-WmiObject MSCluster_ResourceGroup -Namespace $ns | Where-Object { $_.Name -eq $p.group }
if (-not $g) { throw (New-Object Management.Automation.ItemNotFoundException "The cluster group '$($p.group)' does not exist.") }
function Rel($o, $w) { @(Get-WmiObject -Namespace $ns -Query "ASSOCIATORS OF {$($o.__RELPATH)} WHERE $w") }
$out = @(foreach ($r in (Rel $g 'AssocClass=MSCluster_ResourceGroupToResource')) {
  $priv = @{}
  foreach ($q in @($r.PrivateProperties.Properties)) { if ($q.Value -is [string] -or $q.Value -is [ValueType]) { $priv[$q.Name] = "$($q.Value)" } }
  $deps = @(Rel $r 'AssocClass=MSCluster_ResourceToDependentResource Role=Dependent' | ForEach-Object { "$($_.Name)" })
  @{name = $r.Name; type = $r.Type; private = $priv; depends = $deps; online = ([int]$r.State -eq 2)} })
ConvertTo-Json -InputObject @{group = $g.Name; resources = $out} -Depth 5 -Compress
