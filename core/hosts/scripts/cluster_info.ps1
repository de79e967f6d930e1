# Failover cluster membership and its groups (root\MSCluster WMI, Windows 2003 and later):
# nodes, each group's owner, resources (IP address, network name, online timeout, online) and disks.
$ns = 'root\MSCluster'
$c = try { Get-WmiObject MSCluster_Cluster -Namespace $ns } catch { $null }
if (-not $c) { ConvertTo-Json -InputObject @{cluster = $null} -Compress; return }
function Rel($o, $w) { @(Get-WmiObject -Namespace $ns -Query "ASSOCIATORS OF {$($o.__RELPATH)} WHERE $w") }
$groups = @(foreach ($g in Get-WmiObject MSCluster_ResourceGroup -Namespace $ns) {
  $res = Rel $g 'AssocClass=MSCluster_ResourceGroupToResource'
  # disk classes appeared with Windows 2008: older clusters report no drives
  $drives = @(try { foreach ($r in @($res | Where-Object { $_.Type -eq 'Physical Disk' })) {
    foreach ($d in (Rel $r 'ResultClass=MSCluster_Disk')) { Rel $d 'ResultClass=MSCluster_DiskPartition' | ForEach-Object { "$($_.Path)".TrimEnd(':') } } } } catch { })
  @{name = $g.Name; owner = "$((Rel $g 'AssocClass=MSCluster_NodeToActiveGroup' | Select-Object -First 1).Name)"; drives = $drives
    resources = @($res | ForEach-Object { @{name = $_.Name; type = $_.Type; pending_ms = [int]$_.PendingTimeout
      ip = "$($_.PrivateProperties.Address)"; network_name = "$($_.PrivateProperties.Name)"; online = ([int]$_.State -eq 2)} })} })
$o = @{name = $c.Name; nodes = @(Get-WmiObject MSCluster_Node -Namespace $ns | ForEach-Object { $_.Name })
  detect_ms = [int]$c.SameSubnetDelay * [int]$c.SameSubnetThreshold; groups = $groups}
ConvertTo-Json -InputObject @{cluster = $o} -Depth 6 -Compress
