# SharePoint (WSS 3.0 / MOSS 2007 and later): the version and the configuration database's
# connection string from the registry, the farm's servers and databases from its object model.
$w = @(Get-ChildItem 'HKLM:\SOFTWARE\Microsoft\Shared Tools\Web Server Extensions' -ErrorAction Ignore |
  Where-Object { $_.PSChildName -match '^\d+\.0$' } | Sort-Object { [double]$_.PSChildName })
$w = $w | Select-Object -Last 1
$dsn = if ($w) { "$((Get-ItemProperty "$($w.PSPath)\Secure\ConfigDb" -ErrorAction Ignore).dsn)" }
if (-not $dsn) { ConvertTo-Json -InputObject @{sharepoint = $null} -Compress; return }
$o = @{version = "$((Get-ItemProperty $w.PSPath).Version)"; dsn = $dsn; databases = @(); servers = @(); admin_port = 0
  moss = [bool](Get-Item "HKLM:\SOFTWARE\Microsoft\Office Server\$($w.PSChildName)" -ErrorAction Ignore)}
try {
  [void][Reflection.Assembly]::LoadWithPartialName('Microsoft.SharePoint')
  $f = [Microsoft.SharePoint.Administration.SPFarm]::Local
  $o.servers = @($f.Servers | ForEach-Object { @{name = $_.Name; role = "$($_.Role)"} })
  $o.databases = @($f.Services | ForEach-Object { $_.Instances } | Where-Object { $_.GetType().Name -eq 'SPDatabaseServiceInstance' } |
    ForEach-Object { $_.Databases } | ForEach-Object { $_.Name } | Sort-Object -Unique)
  $o.admin_port = [int][Microsoft.SharePoint.Administration.SPAdministrationWebApplication]::Local.AlternateUrls[0].Uri.Port
} catch { $o.error = "$($_.Exception.Message)" }
ConvertTo-Json -InputObject @{sharepoint = $o} -Depth 5 -Compress
