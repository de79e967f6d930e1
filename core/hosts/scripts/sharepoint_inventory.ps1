# SharePoint (WSS 3.0 / MOSS 2007 and later): the version and the configuration database's
# connection string from the registry, the farm's servers and databases from its object model.
$w = @(Get-ChildItem 'HKLM:\SOFTWARE\Microsoft\Shared Tools\Web Server Extensions' -ErrorAction Ignore |
  Where-Object { $_.PSChildName -match '^\d+\.0$' } | Sort-Object { [double]$_.PSChildName })
$w = $w | Select-Object -Last 1
$dsn = if ($w) { "$((Get-ItemProperty "$($w.PSPath)\Secure\ConfigDb" -ErrorAction Ignore).dsn)" }
if (-not $dsn) { ConvertTo-Json -InputObject @{sharepoint = $null} -Compress; return }
$o = @{version = "$((Get-ItemProperty $w.PSPath).Version)"; dsn = $dsn; databases = @(); servers = @(); admin_port = 0
  moss = [bool](Get-Item "HKLM:\SOFTWARE\Microsoft\Office Server\$($w.PSChildName)" -ErrorAction Ignore)}
# The farm from the object model. WSS 3 / MOSS 2007 (12) and SharePoint 2010 (14) are .NET 2
# assemblies that do not load under PowerShell 3's .NET 4: they run in a PowerShell 2 child
# (its output comes back deserialised); 2013 and later load here.
$om = {
  [void][Reflection.Assembly]::LoadWithPartialName('Microsoft.SharePoint')
  $f = [Microsoft.SharePoint.Administration.SPFarm]::Local
  @{servers = @($f.Servers | ForEach-Object { @{name = $_.Name; role = "$($_.Role)"} })
    databases = @($f.Services | ForEach-Object { $_.Instances } | Where-Object { $_.GetType().Name -eq 'SPDatabaseServiceInstance' } |
      ForEach-Object { $_.Databases } | ForEach-Object { $_.Name } | Sort-Object -Unique)
    admin_port = [int][Microsoft.SharePoint.Administration.SPAdministrationWebApplication]::Local.AlternateUrls[0].Uri.Port} }
try {
  $r = if ([double]$w.PSChildName -lt 15) { & powershell.exe -Version 2 -NoProfile -NonInteractive -Command $om } else { & $om }
  $r = @($r)[-1]
  $o.servers = @($r.servers); $o.databases = @($r.databases); $o.admin_port = [int]$r.admin_port
} catch { $o.error = "$($_.Exception.Message)" }
ConvertTo-Json -InputObject @{sharepoint = $o} -Depth 5 -Compress
