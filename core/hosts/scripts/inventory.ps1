# Inventory of this server as one JSON document (WMI classes exist on 2008+).
$cs = Get-WmiObject Win32_ComputerSystem
$os = Get-WmiObject Win32_OperatingSystem
function Pfx($m) { $b = 0; foreach ($o in $m.Split('.')) { $b += ([Convert]::ToString([int]$o, 2) -replace '0').Length }; $b }
$cfg = @(Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'IPEnabled=TRUE')
$nics = @(foreach ($c in $cfg) {
  $ad = Get-WmiObject Win32_NetworkAdapter -Filter "Index=$($c.Index)"
  $m = @($c.IPSubnet | Where-Object { $_ -like '*.*' })
  @{name = "$($ad.NetConnectionID)"; ips = @($c.IPAddress | Where-Object { $_ -like '*.*' })
    prefix = $(if ($m) { Pfx $m[0] } else { 0 })}
})
$vols = @(Get-WmiObject Win32_Volume -Filter 'DriveType=3' | Where-Object { $_.DriveLetter } | ForEach-Object {
  @{letter = $_.DriveLetter.TrimEnd(':'); label = "$($_.Label)"; size = [int64]$_.Capacity; free = [int64]$_.FreeSpace} })
$svcs = @(Get-WmiObject Win32_Service | ForEach-Object {
  @{name = $_.Name; display = $_.DisplayName; state = $_.State; start_mode = $_.StartMode} })
# a share's permissions: its allow entries as ACCOUNT:FULL|CHANGE|READ (what share_add copies)
$rights = @{2032127 = 'FULL'; 1245631 = 'CHANGE'; 1179817 = 'READ'}
function Grants($n) {
  $s = Get-WmiObject Win32_LogicalShareSecuritySetting -Filter "Name='$($n -replace '\\', '\\' -replace "'", "\'")'"
  if ($s) { foreach ($e in @($s.GetSecurityDescriptor().Descriptor.DACL)) { $r = $rights[[int]$e.AccessMask]
    if ($e.AceType -eq 0 -and $r) { $t = $e.Trustee; "$(if ($t.Domain) { "$($t.Domain)\" })$($t.Name):$r" } } } }
# disk shares only; the high bit marks administrative shares (C$, ADMIN$)
$shares = @(Get-WmiObject Win32_Share | Where-Object { $_.Type % 2147483648 -eq 0 } | ForEach-Object {
  @{name = $_.Name; path = $_.Path; description = "$($_.Description)"; admin = $_.Type -ge 2147483648; grants = @(Grants $_.Name)} })
$dns = @($cfg | ForEach-Object { $_.DNSServerSearchOrder } | Where-Object { $_ } | Select-Object -Unique)
$svc = Get-Service AppMgrEngine -ErrorAction Ignore
$reg = Get-ItemProperty 'HKLM:\SOFTWARE\appmgr\Engine' -ErrorAction Ignore
$eng = @{installed = [bool]$svc; running = [bool]($svc -and $svc.Status -eq 'Running')
  version = "$($reg.Version)"; port = $(if ($reg.Port) { [int]$reg.Port } else { 6320 })}
$adm = @(try {
  ([ADSI]"WinNT://$env:COMPUTERNAME/appmgr Admins,group").psbase.Invoke('Members') | ForEach-Object {
    $a = $_.GetType().InvokeMember('ADsPath', 'GetProperty', $null, $_, $null) -split '/'; "$($a[-2])\$($a[-1])" }
} catch { })
$ntds = Get-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Services\NTDS\Parameters' -ErrorAction Ignore
$o = @{hostname = $cs.Name; domain = $cs.Domain; domain_role = [int]$cs.DomainRole
  gc = [bool]$ntds.'Global Catalog Promotion Complete'
  os = @{caption = $os.Caption; version = $os.Version}; nics = $nics; volumes = $vols; services = $svcs
  shares = $shares; dns_servers = $dns; engine = $eng; admins = $adm}
ConvertTo-Json -InputObject $o -Depth 5 -Compress
