# Add an account to the local "appmgr Admins" group (the engine's admin group).
# DOMAIN\user as typed; user@domain.tld becomes DOMAIN\user. 1378: already a member.
# net.exe runs with ErrorActionPreference Continue in N: under Stop, PowerShell 3-5 turn
# its stderr ("already a member") into a terminating error before its exit code is read.
$u = [string]$p.user
if ($u -match '^([^@\\]+)@([^.]+)') { $u = "$($Matches[2])\$($Matches[1])" }
function N { $ErrorActionPreference = 'Continue'; $c, $a = $args; $o = (& $c @a 2>&1 | ForEach-Object { "$_" }) -join ' '; @($LASTEXITCODE, $o) }
$rc, $out = N net.exe localgroup "appmgr Admins" $u /add
$added = $rc -eq 0
if (-not $added -and $out -notmatch '1378|already a member') { throw "net localgroup: $out" }
ConvertTo-Json -InputObject @{user = $u; added = $added} -Compress
