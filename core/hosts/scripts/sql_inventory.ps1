# SQL Server instances of this host (registry) and what each says about itself (T-SQL over
# SqlClient, integrated login). On a cluster node only the instances of the virtual server
# named $p.server are reported; a standalone host reports its own, non-clustered instances.
$root = 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server'
$names = Get-ItemProperty "$root\Instance Names\SQL" -ErrorAction Ignore
$me = $env:COMPUTERNAME
function Q($c, $t) {
  $m = $c.CreateCommand(); $m.CommandText = $t
  $d = New-Object Data.DataTable; $d.Load($m.ExecuteReader()); $d.Rows
}
$out = @(foreach ($n in @($names.PSObject.Properties | Where-Object { $_.Name -notlike 'PS*' })) {
  $k = "$root\$($n.Value)"
  $s = Get-ItemProperty "$k\Setup"
  $cl = "$((Get-ItemProperty "$k\Cluster" -ErrorAction Ignore).ClusterName)"
  if ($(if ($cl) { $cl -ne $p.server } else { $p.server -ne $me })) { continue }
  $nl = "$k\MSSQLServer\SuperSocketNetLib"
  $pr = @{}
  foreach ($x in 'Tcp', 'Np', 'Sm') { $pr[$x.ToLower()] = [bool](Get-ItemProperty "$nl\$x" -ErrorAction Ignore).Enabled }
  $h = if ($cl) { $cl } else { '.' }
  $ds = if ($n.Name -eq 'MSSQLSERVER') { $h } else { "$h\$($n.Name)" }
  $o = @{name = $n.Name; id = $n.Value; version = "$($s.Version)"; level = ''; edition = "$($s.Edition)"
    path = "$($s.SQLPath)"; cluster = $cl; protocols = $pr; databases = @(); files = @(); sysadmins = @(); error = ''}
  try {
    $c = New-Object Data.SqlClient.SqlConnection "Data Source=$ds;Integrated Security=SSPI;Connect Timeout=5"
    $c.Open()
    $v = @(Q $c "SELECT SERVERPROPERTY('ProductVersion'),SERVERPROPERTY('ProductLevel'),SERVERPROPERTY('Edition')")[0]
    $o.version = "$($v[0])"; $o.level = "$($v[1])"; $o.edition = "$($v[2])"
    # SQL Server 2000 (ServerVersion 08.xx) has no sys.* views: its system tables say the same
    if ($c.ServerVersion -lt '09') { $dq = "SELECT name,dbid,DATABASEPROPERTYEX(name,'Status') FROM master..sysdatabases"
      $fq = "SELECT dbid,RTRIM(name),RTRIM(filename),CASE WHEN status&64=64 THEN 'LOG' ELSE 'ROWS' END FROM master..sysaltfiles"
    } else { $dq = 'SELECT name,database_id,state_desc FROM sys.databases'; $fq = 'SELECT database_id,name,physical_name,type_desc FROM sys.master_files' }
    $o.databases = @(Q $c $dq | ForEach-Object { @{name = $_[0]; id = $_[1]; state = $_[2]} })
    $o.files = @(Q $c $fq | % { @{db = $_[0]; name = $_[1]; path = $_[2]; type = $_[3]} })
    # the sysadmin logins, and this login when it is one through a Windows group (IS_SRVROLEMEMBER)
    $o.sysadmins = @(Q $c "SELECT name FROM master..syslogins WHERE sysadmin=1 UNION SELECT SUSER_SNAME() WHERE IS_SRVROLEMEMBER('sysadmin')=1" | % { $_[0] })
    $c.Close()
  } catch { $o.error = "$($_.Exception.Message)" }
  $o
})
ConvertTo-Json -InputObject @{instances = $out} -Depth 6 -Compress
