# Applies (or with -Remove, clears) ShellLauncher.xml through the MDM bridge WMI provider.
# Must run as SYSTEM: psexec.exe -i -s powershell.exe -ExecutionPolicy Bypass -File apply-shell-launcher.ps1
param([switch]$Remove)
$ErrorActionPreference = "Stop"
$namespace = "root\cimv2\mdm\dmmap"
$class = "MDM_AssignedAccess"
$access = Get-CimInstance -Namespace $namespace -ClassName $class
if ($Remove) {
    $access.ShellLauncher = $null
} else {
    $xml = Get-Content -Raw -Encoding UTF8 (Join-Path $PSScriptRoot "ShellLauncher.xml")
    $access.ShellLauncher = [System.Net.WebUtility]::HtmlEncode($xml)
}
Set-CimInstance -CimInstance $access
Write-Host "Shell Launcher configuration applied. Sign out and sign in as 'baeum'."
