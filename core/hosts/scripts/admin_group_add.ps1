# Add an account to the local "appmgr Admins" group (the engine's admin group).
# DOMAIN\user as typed; user@domain.tld becomes DOMAIN\user. 1378: already a member.
$u = [string]$p.user
if ($u -match '^([^@\\]+)@([^.]+)') { $u = "$($Matches[2])\$($Matches[1])" }
$out = & net.exe localgroup "appmgr Admins" $u /add 2>&1
$added = $LASTEXITCODE -eq 0
if (-not $added -and "$out" -notmatch '1378') { throw "net localgroup: $out" }
ConvertTo-Json -InputObject @{user = $u; added = $added} -Compress
