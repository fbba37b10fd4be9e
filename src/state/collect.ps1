# collect.ps1 - written by certprep @VERSION@ (`certprep collect`).
#
# READ-ONLY. This script CHANGES NOTHING on any server: it runs only Get- cmdlets (and
# Invoke-Command to run Get- cmdlets on each server), and writes one file, exchange-state.json,
# with what a certificate renewal depends on. Give that file to
# `certprep check NEW --state exchange-state.json` and `certprep runbook NEW --state ...`.
# The file holds certificates (public data, no private keys), host names and connector
# settings; no passwords.
#
# Run it in the Exchange Management Shell, as an account that may read the Exchange
# configuration and is a local administrator of every Exchange server (for Invoke-Command):
#     .\collect.ps1 -OutFile .\exchange-state.json
#
# What runs where:
#   - In the Exchange Management Shell (organisation-wide): Get-ExchangeServer,
#     Get-ExchangeCertificate -Server, Get-TransportService, Get-AuthConfig, Get-SendConnector,
#     Get-ReceiveConnector -Server, Get-HybridConfiguration, Get-PopSettings/Get-ImapSettings
#     -Server, Get-*VirtualDirectory -Server -ADPropertiesOnly, Get-ClientAccessService,
#     Get-EdgeSubscription, Get-SettingOverride.
#   - ON EACH SERVER through Invoke-Command (WinRM): the Windows version, ExSetup.exe's
#     version, the certificates' DER and private-key provider from Cert:\LocalMachine\My, the
#     IIS bindings (Get-WebBinding) and "Require SSL" (sslFlags), and the
#     EnableEccCertificateSupport registry value.
# What can fail, and what then happens: a server that is down or refuses WinRM, IIS cmdlets
# missing, a key the account cannot open, a cmdlet the account may not run. Each failure is
# recorded in CollectionErrors (server, step, message) and the script goes on; certprep then
# says what is missing instead of assuming it is empty. Edge Transport servers are not
# domain members and are not reached from here: run this script on each Edge server as well
# (it then collects that server locally) and give certprep both files.

[CmdletBinding()]
param(
    # Where to write the JSON.
    [string]$OutFile = '.\exchange-state.json',
    # Overwrite OutFile if it exists.
    [switch]$Force
)

$script:CollectionErrors = [System.Collections.ArrayList]::new()

function Write-CollectionError([string]$Server, [string]$Step, $ErrorRecord) {
    [void]$script:CollectionErrors.Add([ordered]@{
            Server  = $Server
            Step    = $Step
            Message = [string]$ErrorRecord
        })
    Write-Warning "certprep collect: ${Step} on ${Server}: $ErrorRecord"
}

# Dates as RFC 3339 UTC: ConvertTo-Json in Windows PowerShell writes \/Date(...)\/.
function Format-Date($Date) {
    if ($null -eq $Date) { return $null }
    return ([datetime]$Date).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
}

# A collection as an array of strings (Exchange multi-valued properties arrive deserialized).
# The unary comma keeps a one-element or empty array an array: `return` would unroll it.
function ConvertTo-StringList($Value) {
    return , @($Value | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
}

function ConvertTo-NullableString($Value) {
    if ($null -eq $Value) { return $null }
    return [string]$Value
}

if ($null -eq (Get-Command Get-ExchangeServer -ErrorAction SilentlyContinue)) {
    throw 'certprep collect: run this script in the Exchange Management Shell (Get-ExchangeServer is not available here). Nothing was written.'
}
$outPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
if ((Test-Path -LiteralPath $outPath) -and -not $Force) {
    throw "certprep collect: $outPath exists; give another -OutFile or -Force. Nothing was written."
}

# Runs ON EACH SERVER (Invoke-Command). Read-only: Get- cmdlets and .NET reads.
$perServer = {
    param([string[]]$Thumbprints)
    $errors = @()
    $result = [ordered]@{ OSVersion = $null; OSBuild = $null; ExSetupVersion = $null; EccRegistry = $null; Certificates = @(); IisBindings = @(); Errors = @() }
    try {
        $os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop
        $result.OSVersion = [string]$os.Version
        $result.OSBuild = [int]$os.BuildNumber
    } catch { $errors += [ordered]@{ Step = 'Get-CimInstance Win32_OperatingSystem'; Message = [string]$_ } }
    try {
        # As CSS-Exchange HealthChecker's Get-ExSetupFileVersionInfo: the exact build, security updates included.
        $result.ExSetupVersion = [string](Get-Command ExSetup -ErrorAction Stop | Select-Object -First 1).FileVersionInfo.FileVersion
    } catch { $errors += [ordered]@{ Step = 'Get-Command ExSetup'; Message = [string]$_ } }
    try {
        $diag = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\Diagnostics' -ErrorAction Stop
        $result.EccRegistry = [string]$diag.EnableEccCertificateSupport
    } catch { $result.EccRegistry = $null }
    foreach ($t in $Thumbprints) {
        try {
            $c = Get-Item -LiteralPath "Cert:\LocalMachine\My\$t" -ErrorAction Stop
            $provider = $null
            $isCng = $null
            if ($c.HasPrivateKey) {
                try {
                    $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($c)
                    if ($rsa -is [System.Security.Cryptography.RSACng]) {
                        $provider = [string]$rsa.Key.Provider.Provider; $isCng = $true
                    } elseif ($rsa -is [System.Security.Cryptography.RSACryptoServiceProvider]) {
                        $provider = [string]$rsa.CspKeyContainerInfo.ProviderName; $isCng = $false
                    } elseif ($null -eq $rsa) {
                        $ec = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($c)
                        if ($ec -is [System.Security.Cryptography.ECDsaCng]) { $provider = [string]$ec.Key.Provider.Provider; $isCng = $true }
                    }
                } catch { $errors += [ordered]@{ Step = "private key of $t"; Message = [string]$_ } }
            }
            $result.Certificates += [ordered]@{
                Thumbprint = [string]$c.Thumbprint
                RawData    = [System.Convert]::ToBase64String($c.RawData)
                Provider   = $provider
                IsCng      = $isCng
            }
        } catch { $errors += [ordered]@{ Step = "Cert:\LocalMachine\My\$t"; Message = [string]$_ } }
    }
    try {
        # WebAdministration loads on first use of its cmdlets (module auto-loading).
        $requireSsl = @{}
        foreach ($b in @(Get-WebBinding -ErrorAction Stop)) {
            # ItemXPath: /system.applicationHost/sites/site[@name='Default Web Site' and @id='1']
            $site = if ([string]$b.ItemXPath -match "@name='([^']*)'") { $Matches[1] } else { $null }
            if ($null -ne $site -and -not $requireSsl.ContainsKey($site)) {
                try {
                    $flags = [string](Get-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Location $site -Filter 'system.webServer/security/access' -Name sslFlags -ErrorAction Stop)
                    $requireSsl[$site] = @($flags -split ',' | ForEach-Object { $_.Trim() }) -contains 'Ssl'
                } catch {
                    $requireSsl[$site] = $null
                    $errors += [ordered]@{ Step = "sslFlags of $site"; Message = [string]$_ }
                }
            }
            $hash = [string]$b.certificateHash
            $result.IisBindings += [ordered]@{
                Site                 = $site
                Protocol             = [string]$b.protocol
                BindingInformation   = [string]$b.bindingInformation
                CertificateHash      = if ($hash) { $hash } else { $null }
                CertificateStoreName = if ([string]$b.certificateStoreName) { [string]$b.certificateStoreName } else { $null }
                RequireSsl           = if ($null -ne $site) { $requireSsl[$site] } else { $null }
            }
        }
    } catch { $errors += [ordered]@{ Step = 'Get-WebBinding'; Message = [string]$_ } }
    $result.Errors = $errors
    return $result
}

$servers = @()
$certificates = @()
$receiveConnectors = @()
$popSettings = @()
$imapSettings = @()
$virtualDirectories = @()
$iisBindings = @()

$eccOverrides = @()
try {
    $eccOverrides = @(Get-SettingOverride -ErrorAction Stop | Where-Object { $_.ComponentName -eq 'Security' -and $_.SectionName -eq 'ECCCertificateSupport' -and (@($_.Parameters) -join ',') -match 'Enabled=true' })
} catch { Write-CollectionError '' 'Get-SettingOverride' $_ }

$exchangeServers = @()
try { $exchangeServers = @(Get-ExchangeServer -ErrorAction Stop) } catch { Write-CollectionError '' 'Get-ExchangeServer' $_ }

foreach ($s in $exchangeServers) {
    $name = [string]$s.Name
    $isEdge = ([string]$s.ServerRole) -match 'Edge'
    $serverEntry = [ordered]@{
        Name                  = $name
        Fqdn                  = ConvertTo-NullableString $s.Fqdn
        ServerRole            = [string]$s.ServerRole
        AdminDisplayVersion   = [string]$s.AdminDisplayVersion
        ExSetupVersion        = $null
        Site                  = ConvertTo-NullableString $s.Site
        OSVersion             = $null
        OSBuild               = $null
        EccCertificateSupport = $null
    }
    # An Edge Transport server is reached only by running this script on it (its own
    # Exchange Management Shell, where Get-ExchangeServer lists just itself).
    $onEdgeItself = $isEdge -and ($name -eq $env:COMPUTERNAME)
    if ($isEdge -and -not $onEdgeItself) {
        Write-CollectionError $name 'Edge Transport server' 'not reached from the organisation: run collect.ps1 on the Edge server too and give both files to certprep (--state ORG.json --state EDGE.json)'
        $servers += $serverEntry
        continue
    }

    $exchangeCerts = @()
    try { $exchangeCerts = @(Get-ExchangeCertificate -Server $name -ErrorAction Stop) } catch { Write-CollectionError $name 'Get-ExchangeCertificate' $_ }

    $local = $null
    try {
        $thumbs = [string[]]@($exchangeCerts | ForEach-Object { [string]$_.Thumbprint })
        $local = if ($onEdgeItself) { & $perServer $thumbs } else { Invoke-Command -ComputerName ([string]$s.Fqdn) -ScriptBlock $perServer -ArgumentList (, $thumbs) -ErrorAction Stop }
        foreach ($e in @($local.Errors)) { Write-CollectionError $name $e.Step $e.Message }
    } catch { Write-CollectionError $name 'Invoke-Command' $_ }

    if ($null -ne $local) {
        $serverEntry.ExSetupVersion = ConvertTo-NullableString $local.ExSetupVersion
        $serverEntry.OSVersion = ConvertTo-NullableString $local.OSVersion
        $serverEntry.OSBuild = $local.OSBuild
        $overrideApplies = @($eccOverrides | Where-Object { @($_.Server).Count -eq 0 -or (@($_.Server | ForEach-Object { ([string]$_).Split('.')[0] }) -contains $name) }).Count -gt 0
        $serverEntry.EccCertificateSupport = $overrideApplies -and ($local.EccRegistry -eq '1')
    }
    $servers += $serverEntry

    foreach ($c in $exchangeCerts) {
        $thumb = [string]$c.Thumbprint
        $fromServer = @($local.Certificates | Where-Object { $_.Thumbprint -eq $thumb }) | Select-Object -First 1
        $raw = if ($null -ne $fromServer) { $fromServer.RawData } elseif ($null -ne $c.RawData) { [System.Convert]::ToBase64String([byte[]]$c.RawData) } else { $null }
        if ($null -eq $raw) {
            Write-CollectionError $name "certificate $thumb" 'its DER could not be read; it is left out'
            continue
        }
        $certificates += [ordered]@{
            Server               = $name
            Thumbprint           = $thumb
            FriendlyName         = ConvertTo-NullableString $c.FriendlyName
            Subject              = [string]$c.Subject
            Issuer               = [string]$c.Issuer
            CertificateDomains   = ConvertTo-StringList $c.CertificateDomains
            Services             = [string]$c.Services
            Status               = [string]$c.Status
            IsSelfSigned         = [bool]$c.IsSelfSigned
            RootCAType           = ConvertTo-NullableString $c.RootCAType
            NotBefore            = Format-Date $c.NotBefore
            NotAfter             = Format-Date $c.NotAfter
            HasPrivateKey        = [bool]$c.HasPrivateKey
            PrivateKeyExportable = [bool]$c.PrivateKeyExportable
            PublicKeySize        = [int]$c.PublicKeySize
            PrivateKeyProvider   = if ($null -ne $fromServer) { $fromServer.Provider } else { $null }
            PrivateKeyIsCng      = if ($null -ne $fromServer) { $fromServer.IsCng } else { $null }
            RawData              = $raw
        }
    }
    if ($null -ne $local) {
        foreach ($b in @($local.IisBindings)) {
            $iisBindings += [ordered]@{
                Server               = $name
                Site                 = $b.Site
                Protocol             = $b.Protocol
                BindingInformation   = $b.BindingInformation
                CertificateHash      = $b.CertificateHash
                CertificateStoreName = $b.CertificateStoreName
                RequireSsl           = $b.RequireSsl
            }
        }
    }

    try {
        foreach ($r in @(Get-ReceiveConnector -Server $name -ErrorAction Stop)) {
            $receiveConnectors += [ordered]@{
                Identity                 = [string]$r.Identity
                Name                     = [string]$r.Name
                Server                   = $name
                TransportRole            = ConvertTo-NullableString $r.TransportRole
                Bindings                 = ConvertTo-StringList $r.Bindings
                Fqdn                     = ConvertTo-NullableString $r.Fqdn
                TlsCertificateName       = ConvertTo-NullableString $r.TlsCertificateName
                Enabled                  = [bool]$r.Enabled
                TlsDomainCapabilities    = ConvertTo-StringList $r.TlsDomainCapabilities
                AuthMechanism            = [string]$r.AuthMechanism
                RequireTLS               = [bool]$r.RequireTLS
            }
        }
    } catch { Write-CollectionError $name 'Get-ReceiveConnector' $_ }

    if ($isEdge) { continue } # no client access on Edge

    foreach ($p in @(@{ Cmd = 'Get-PopSettings'; Pop = $true }, @{ Cmd = 'Get-ImapSettings'; Pop = $false })) {
        try {
            $settings = if ($p.Pop) { Get-PopSettings -Server $name -ErrorAction Stop } else { Get-ImapSettings -Server $name -ErrorAction Stop }
            $entry = [ordered]@{
                Server                     = $name
                X509CertificateName        = ConvertTo-NullableString $settings.X509CertificateName
                ExternalConnectionSettings = ConvertTo-StringList $settings.ExternalConnectionSettings
                InternalConnectionSettings = ConvertTo-StringList $settings.InternalConnectionSettings
            }
            if ($p.Pop) { $popSettings += $entry } else { $imapSettings += $entry }
        } catch { Write-CollectionError $name $p.Cmd $_ }
    }

    $vdirCmdlets = [ordered]@{
        OwaVirtualDirectory          = { Get-OwaVirtualDirectory -Server $name -ADPropertiesOnly -ErrorAction Stop }
        EcpVirtualDirectory          = { Get-EcpVirtualDirectory -Server $name -ADPropertiesOnly -ErrorAction Stop }
        WebServicesVirtualDirectory  = { Get-WebServicesVirtualDirectory -Server $name -ADPropertiesOnly -ErrorAction Stop }
        OabVirtualDirectory          = { Get-OabVirtualDirectory -Server $name -ADPropertiesOnly -ErrorAction Stop }
        MapiVirtualDirectory         = { Get-MapiVirtualDirectory -Server $name -ADPropertiesOnly -ErrorAction Stop }
        ActiveSyncVirtualDirectory   = { Get-ActiveSyncVirtualDirectory -Server $name -ADPropertiesOnly -ErrorAction Stop }
        AutodiscoverVirtualDirectory = { Get-AutodiscoverVirtualDirectory -Server $name -ADPropertiesOnly -ErrorAction Stop }
    }
    foreach ($kind in $vdirCmdlets.Keys) {
        try {
            foreach ($v in @(& $vdirCmdlets[$kind])) {
                $virtualDirectories += [ordered]@{
                    Server      = $name
                    Type        = $kind
                    Name        = ConvertTo-NullableString $v.Name
                    InternalUrl = ConvertTo-NullableString $v.InternalUrl
                    ExternalUrl = ConvertTo-NullableString $v.ExternalUrl
                }
            }
        } catch { Write-CollectionError $name "Get-$kind" $_ }
    }
    try {
        $cas = Get-ClientAccessService -Identity $name -ErrorAction Stop
        $virtualDirectories += [ordered]@{
            Server      = $name
            Type        = 'ClientAccessService'
            Name        = $name
            InternalUrl = ConvertTo-NullableString $cas.AutoDiscoverServiceInternalUri
            ExternalUrl = $null
        }
    } catch { Write-CollectionError $name 'Get-ClientAccessService' $_ }
}

$transportServices = @()
try {
    $transportServices = @(Get-TransportService -ErrorAction Stop | ForEach-Object {
            [ordered]@{
                Name                                   = [string]$_.Name
                InternalTransportCertificateThumbprint = ConvertTo-NullableString $_.InternalTransportCertificateThumbprint
            } })
} catch { Write-CollectionError '' 'Get-TransportService' $_ }

$authConfig = $null
try {
    $a = Get-AuthConfig -ErrorAction Stop
    $authConfig = [ordered]@{
        CurrentCertificateThumbprint  = ConvertTo-NullableString $a.CurrentCertificateThumbprint
        PreviousCertificateThumbprint = ConvertTo-NullableString $a.PreviousCertificateThumbprint
        NextCertificateThumbprint     = ConvertTo-NullableString $a.NextCertificateThumbprint
        NextCertificateEffectiveDate  = Format-Date $a.NextCertificateEffectiveDate
    }
} catch { Write-CollectionError '' 'Get-AuthConfig' $_ }

$sendConnectors = @()
try {
    $sendConnectors = @(Get-SendConnector -ErrorAction Stop | ForEach-Object {
            [ordered]@{
                Identity                 = [string]$_.Identity
                SourceTransportServers   = ConvertTo-StringList $_.SourceTransportServers
                AddressSpaces            = ConvertTo-StringList $_.AddressSpaces
                SmartHosts               = ConvertTo-StringList $_.SmartHosts
                Fqdn                     = ConvertTo-NullableString $_.Fqdn
                TlsCertificateName       = ConvertTo-NullableString $_.TlsCertificateName
                Enabled                  = [bool]$_.Enabled
                CloudServicesMailEnabled = [bool]$_.CloudServicesMailEnabled
                RequireTLS               = [bool]$_.RequireTLS
            } })
} catch { Write-CollectionError '' 'Get-SendConnector' $_ }

$hybrid = $null
try {
    $h = Get-HybridConfiguration -ErrorAction Stop
    if ($null -ne $h) {
        $hybrid = [ordered]@{
            TlsCertificateName        = ConvertTo-NullableString $h.TlsCertificateName
            Domains                   = ConvertTo-StringList $h.Domains
            SendingTransportServers   = ConvertTo-StringList $h.SendingTransportServers
            ReceivingTransportServers = ConvertTo-StringList $h.ReceivingTransportServers
            EdgeTransportServers      = ConvertTo-StringList $h.EdgeTransportServers
            OnPremisesSmartHost       = ConvertTo-NullableString $h.OnPremisesSmartHost
            Features                  = ConvertTo-StringList $h.Features
        }
    }
} catch { Write-CollectionError '' 'Get-HybridConfiguration' $_ }

$edgeSubscriptions = @()
try {
    $edgeSubscriptions = @(Get-EdgeSubscription -ErrorAction Stop | ForEach-Object {
            [ordered]@{
                Name   = [string]$_.Name
                Site   = ConvertTo-NullableString $_.Site
                Domain = ConvertTo-NullableString $_.Domain
            } })
} catch { Write-CollectionError '' 'Get-EdgeSubscription' $_ }

$state = [ordered]@{
    SchemaVersion       = 1
    CollectedAt         = Format-Date (Get-Date)
    CollectedBy         = 'certprep @VERSION@ collect'
    Servers             = @($servers)
    Certificates        = @($certificates)
    TransportServices   = @($transportServices)
    AuthConfig          = $authConfig
    SendConnectors      = @($sendConnectors)
    ReceiveConnectors   = @($receiveConnectors)
    HybridConfiguration = $hybrid
    PopSettings         = @($popSettings)
    ImapSettings        = @($imapSettings)
    VirtualDirectories  = @($virtualDirectories)
    IisBindings         = @($iisBindings)
    EdgeSubscriptions   = @($edgeSubscriptions)
    CollectionErrors    = @($script:CollectionErrors)
}
$json = $state | ConvertTo-Json -Depth 6
# UTF-8 without a byte-order mark (Out-File in Windows PowerShell would write UTF-16).
[System.IO.File]::WriteAllText($outPath, $json, [System.Text.UTF8Encoding]::new($false))
Write-Host "certprep collect: wrote $outPath ($($certificates.Count) certificates on $($servers.Count) servers, $($script:CollectionErrors.Count) collection errors). Nothing was changed."
