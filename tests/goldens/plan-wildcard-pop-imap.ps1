# Exchange certificate renewal, planned by certprep test from exchange-state.json. Review it before running it.
#
# Plan: replace {T1} (CN=*.contoso.com, O=Contoso Ltd., C=US) with {T2} (CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US)
#   old certificate: the certificate bound to HTTPS 443 on every Mailbox server's Default Web Site
#   new TLS name:    <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US
#
# Server EX01
#   import C:\certs\mail.pfx as "mail.contoso.com 2027-05-19"
#   enable for IIS, SMTP with -DoNotRequireSsl
#     why: services carried over from the old certificate on EX01: IIS, SMTP
#     why: -DoNotRequireSsl: Require SSL is off on the Default Web Site and enabling IIS would turn it on
#     why: enabling SMTP with -Force replaces the internal transport certificate, so {T3} is enabled for SMTP again afterwards
#
# Server EX02
#   import C:\certs\mail.pfx as "mail.contoso.com 2027-05-19"
#   enable for IIS, SMTP with -DoNotRequireSsl
#     why: services carried over from the old certificate on EX02: IIS, SMTP
#     why: -DoNotRequireSsl: Require SSL is off on the Default Web Site and enabling IIS would turn it on
#     why: enabling SMTP with -Force replaces the internal transport certificate, so {T4} is enabled for SMTP again afterwards
#
# Settings
#   send connector Internet: <I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US -> <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US
#     why: its TlsCertificateName names the old certificate
#   receive connector EX01\Default Frontend EX01: <I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US -> <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US
#     why: its TlsCertificateName names the old certificate
#   receive connector EX01\Client Frontend EX01: <I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US -> <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US
#     why: its TlsCertificateName names the old certificate
#   receive connector EX02\Default Frontend EX02: <I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US -> <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US
#     why: its TlsCertificateName names the old certificate
#   receive connector EX02\Client Frontend EX02: <I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US -> <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US
#     why: its TlsCertificateName names the old certificate
#
# Old certificate
#   EX01: removed after verification, if you type REMOVE
#   EX02: removed after verification, if you type REMOVE
#
# Run it in the Exchange Management Shell:
#   .\renew.ps1 -WhatIf      show every change without making it
#   .\renew.ps1              renew; asks before removing the old certificate
#   .\renew.ps1 -Rollback    set every changed value back to the collected snapshot
param(
    # Show every change without making it; passed to every cmdlet that changes something.
    [switch]$WhatIf,
    # Set every changed value back to the collected snapshot instead of renewing.
    [switch]$Rollback,
    # Edge only: the Edge Subscription file made on the Edge server after its certificate changed.
    [string]$EdgeSubscriptionFile
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Read-CertprepSmtpReply {
    # One SMTP reply (all its continuation lines), at most 100 lines.
    param([System.IO.StreamReader]$Reader)
    $lines = @()
    for ($i = 0; $i -lt 100; $i++) {
        $line = $Reader.ReadLine()
        if ($null -eq $line) { break }
        $lines += $line
        if ($line.Length -lt 4 -or $line[3] -ne '-') { break }
    }
    return ($lines -join ' | ')
}

function Test-CertprepStartTls {
    # Port 25: EHLO, STARTTLS, TLS handshake; returns the certificate the server presents.
    # Validation is off on purpose: this reports what is presented, it trusts nothing.
    param([string]$ComputerName)
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $client.ReceiveTimeout = 15000
        $client.SendTimeout = 15000
        $client.Connect($ComputerName, 25)
        $stream = $client.GetStream()
        $reader = New-Object -TypeName System.IO.StreamReader -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
        $writer = New-Object -TypeName System.IO.StreamWriter -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
        $writer.NewLine = "`r`n"
        $writer.AutoFlush = $true
        $reply = Read-CertprepSmtpReply -Reader $reader
        if (-not $reply.StartsWith('220')) { throw ('no SMTP greeting: ' + $reply) }
        $writer.WriteLine('EHLO certprep.invalid')
        $reply = Read-CertprepSmtpReply -Reader $reader
        if ($reply -notmatch '250[ -]STARTTLS') { throw ('STARTTLS is not offered: ' + $reply) }
        $writer.WriteLine('STARTTLS')
        $reply = Read-CertprepSmtpReply -Reader $reader
        if (-not $reply.StartsWith('220')) { throw ('STARTTLS refused: ' + $reply) }
        $accept = [System.Net.Security.RemoteCertificateValidationCallback] { $true }
        $tls = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $stream, $false, $accept
        $tls.AuthenticateAsClient($ComputerName)
        $presented = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $tls.RemoteCertificate
        $tls.Dispose()
        return $presented
    } finally {
        $client.Close()
    }
}

function Invoke-CertprepChange {
    # Runs one changing cmdlet and stops the script on any error it reports. Exchange cmdlets in
    # the Exchange Management Shell are implicit-remoting proxies: -ErrorAction applies on the
    # server, errors arrive here as non-terminating ones, and this script's
    # $ErrorActionPreference does not reach the proxy module (PowerShell-Docs issue #1583).
    # So: an exception, $? false, or a new record in $Error all stop the script.
    param([string]$What, [scriptblock]$Change)
    $last = $null
    if ($global:Error.Count -gt 0) { $last = $global:Error[0] }
    $failure = $null
    $output = $null
    try {
        $output = & $Change
        if (-not $?) { $failure = 'the cmdlet reported an error' }
    } catch {
        $failure = $_.Exception.Message
    }
    if ($null -eq $failure -and $global:Error.Count -gt 0 -and -not [object]::ReferenceEquals($global:Error[0], $last)) {
        $failure = [string]$global:Error[0]
    }
    if ($null -ne $failure) {
        throw ('Stopped at "' + $What + '": ' + $failure + ' Nothing after it ran. Fix the cause and run again, or run this script with -Rollback.')
    }
    return $output
}

function Compare-CertprepValue {
    # '' when equal (case-sensitive, $null and '' alike), else a line describing the drift.
    param([string]$What, $Actual, $Expected)
    if ([string]$Actual -cne [string]$Expected) {
        return ($What + ': now "' + [string]$Actual + '", collected "' + [string]$Expected + '"')
    }
    return ''
}

function ConvertTo-CertprepServiceSet {
    param($Services)
    return (@(([string]$Services) -split ',' | ForEach-Object { $_.Trim().ToUpperInvariant() } | Where-Object { $_ -and $_ -ne 'NONE' }) | Sort-Object) -join ','
}

function Compare-CertprepServices {
    param([string]$What, $Actual, [string]$Expected)
    return Compare-CertprepValue -What $What -Actual (ConvertTo-CertprepServiceSet $Actual) -Expected (ConvertTo-CertprepServiceSet $Expected)
}

function Assert-CertprepValue {
    # Reads back one effect; stops the script when it is not what was set.
    param([string]$What, $Actual, $Expected)
    if ($WhatIf) { return }
    $drift = Compare-CertprepValue -What $What -Actual $Actual -Expected $Expected
    if ($drift) { throw ('Stopped: read back ' + $drift + ' (expected). Run this script with -Rollback.') }
}

function Assert-CertprepServices {
    # Every expected service is enabled (Enable-ExchangeCertificate only adds services).
    param([string]$What, $Actual, [string]$Expected)
    if ($WhatIf) { return }
    $have = (ConvertTo-CertprepServiceSet $Actual) -split ','
    foreach ($service in ((ConvertTo-CertprepServiceSet $Expected) -split ',')) {
        if ($have -notcontains $service) { throw ('Stopped: ' + $What + ' lacks ' + $service + '. Run this script with -Rollback.') }
    }
}

function Test-CertprepStatus {
    # 0 when the certificate's Status is Valid on the server, else 1 with a warning.
    param([string]$Server, [string]$Thumbprint)
    $certificate = Get-ExchangeCertificate -Server $Server -Thumbprint $Thumbprint -ErrorAction SilentlyContinue
    if ($null -eq $certificate -or [string]$certificate.Status -ne 'Valid') {
        Write-Warning ($Server + ': the new certificate''s Status is not Valid')
        return 1
    }
    Write-Host ('  OK  ' + $Server + ': Status Valid')
    return 0
}

function Test-CertprepPresented {
    # 0 when the server presents the certificate on the port (TLS directly, or SMTP STARTTLS),
    # else 1 with a warning. Validation is off on purpose: this reports what is presented.
    param([string]$ComputerName, [int]$Port, [bool]$SmtpStartTls, [string]$Thumbprint)
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $client.ReceiveTimeout = 15000
        $client.SendTimeout = 15000
        $client.Connect($ComputerName, $Port)
        $stream = $client.GetStream()
        if ($SmtpStartTls) {
            $reader = New-Object -TypeName System.IO.StreamReader -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
            $writer = New-Object -TypeName System.IO.StreamWriter -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
            $writer.NewLine = "`r`n"
            $writer.AutoFlush = $true
            $reply = Read-CertprepSmtpReply -Reader $reader
            if (-not $reply.StartsWith('220')) { throw ('no SMTP greeting: ' + $reply) }
            $writer.WriteLine('EHLO certprep.invalid')
            $reply = Read-CertprepSmtpReply -Reader $reader
            if ($reply -notmatch '250[ -]STARTTLS') { throw ('STARTTLS is not offered: ' + $reply) }
            $writer.WriteLine('STARTTLS')
            $reply = Read-CertprepSmtpReply -Reader $reader
            if (-not $reply.StartsWith('220')) { throw ('STARTTLS refused: ' + $reply) }
        }
        $accept = [System.Net.Security.RemoteCertificateValidationCallback] { $true }
        $tls = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $stream, $false, $accept
        $tls.AuthenticateAsClient($ComputerName)
        $presented = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $tls.RemoteCertificate
        $tls.Dispose()
        if ($presented.Thumbprint -ne $Thumbprint) {
            Write-Warning ($ComputerName + ':' + $Port + ' presents ' + $presented.Thumbprint + ' ' + $presented.Subject)
            return 1
        }
        Write-Host ('  OK  ' + $ComputerName + ':' + $Port + ' presents the new certificate')
        return 0
    } catch {
        Write-Warning ($ComputerName + ':' + $Port + ': TLS check failed: ' + $_.Exception.Message)
        return 1
    } finally {
        $client.Close()
    }
}

if (-not (Get-Command -Name 'Enable-ExchangeCertificate' -ErrorAction SilentlyContinue)) {
    throw 'Run this script in the Exchange Management Shell: Enable-ExchangeCertificate is not available here.'
}

# ---- Edge (-EdgeSubscriptionFile): re-subscribe after the Edge server's certificate changed ----
if ($EdgeSubscriptionFile) {
    throw 'The state lists no subscribed Edge server, so there is nothing to re-subscribe.'
    return
}

# ---- Rollback (-Rollback): every changed value back to the collected snapshot ----
if ($Rollback) {
    $null = Invoke-CertprepChange -What 'EX01: enable the old certificate for IIS,SMTP' -Change { Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '{T1}' -Services 'IIS,SMTP' -DoNotRequireSsl -Force -ErrorAction Stop -WhatIf:$WhatIf }
    $null = Invoke-CertprepChange -What 'EX01: internal transport certificate back to {T3}' -Change { Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '{T3}' -Services 'SMTP' -Force -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepValue -What 'EX01: internal transport certificate' -Actual (Get-TransportService -Identity 'EX01').InternalTransportCertificateThumbprint -Expected '{T3}'
    $null = Invoke-CertprepChange -What 'EX02: enable the old certificate for IIS,SMTP' -Change { Enable-ExchangeCertificate -Server 'EX02' -Thumbprint '{T1}' -Services 'IIS,SMTP' -DoNotRequireSsl -Force -ErrorAction Stop -WhatIf:$WhatIf }
    $null = Invoke-CertprepChange -What 'EX02: internal transport certificate back to {T4}' -Change { Enable-ExchangeCertificate -Server 'EX02' -Thumbprint '{T4}' -Services 'SMTP' -Force -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepValue -What 'EX02: internal transport certificate' -Actual (Get-TransportService -Identity 'EX02').InternalTransportCertificateThumbprint -Expected '{T4}'
    $null = Invoke-CertprepChange -What 'receive connector EX02\Client Frontend EX02 back to its collected value' -Change { Set-ReceiveConnector -Identity 'EX02\Client Frontend EX02' -TlsCertificateName '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US' -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepValue -What 'receive connector EX02\Client Frontend EX02' -Actual (Get-ReceiveConnector -Identity 'EX02\Client Frontend EX02').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
    $null = Invoke-CertprepChange -What 'receive connector EX02\Default Frontend EX02 back to its collected value' -Change { Set-ReceiveConnector -Identity 'EX02\Default Frontend EX02' -TlsCertificateName '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US' -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepValue -What 'receive connector EX02\Default Frontend EX02' -Actual (Get-ReceiveConnector -Identity 'EX02\Default Frontend EX02').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
    $null = Invoke-CertprepChange -What 'receive connector EX01\Client Frontend EX01 back to its collected value' -Change { Set-ReceiveConnector -Identity 'EX01\Client Frontend EX01' -TlsCertificateName '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US' -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepValue -What 'receive connector EX01\Client Frontend EX01' -Actual (Get-ReceiveConnector -Identity 'EX01\Client Frontend EX01').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
    $null = Invoke-CertprepChange -What 'receive connector EX01\Default Frontend EX01 back to its collected value' -Change { Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US' -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepValue -What 'receive connector EX01\Default Frontend EX01' -Actual (Get-ReceiveConnector -Identity 'EX01\Default Frontend EX01').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
    $null = Invoke-CertprepChange -What 'send connector Internet back to its collected value' -Change { Set-SendConnector -Identity 'Internet' -TlsCertificateName '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US' -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepValue -What 'send connector Internet' -Actual (Get-SendConnector -Identity 'Internet').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
    Invoke-Command -ComputerName 'EX01' -ArgumentList $WhatIf.IsPresent -ErrorAction Stop -ScriptBlock {
        param([bool]$DryRun)
        Restart-Service -Name 'MSExchangeTransport', 'MSExchangeFrontEndTransport' -WhatIf:$DryRun
        if ($DryRun) { 'What if: iisreset /noforce' } else { iisreset /noforce }
    }
    Invoke-Command -ComputerName 'EX02' -ArgumentList $WhatIf.IsPresent -ErrorAction Stop -ScriptBlock {
        param([bool]$DryRun)
        Restart-Service -Name 'MSExchangeTransport', 'MSExchangeFrontEndTransport' -WhatIf:$DryRun
        if ($DryRun) { 'What if: iisreset /noforce' } else { iisreset /noforce }
    }
    Write-Host 'Rollback done: every changed value is back to the collected snapshot.'
    return
}

# ---- The collected values this plan was computed from: re-read, stop if any changed ----
$drift = @()
$certificate = Get-ExchangeCertificate -Server 'EX01' -Thumbprint '{T1}' -ErrorAction SilentlyContinue
if ($null -eq $certificate) {
    $drift += 'EX01: the old certificate {T1} is not there'
} else {
    $drift += Compare-CertprepServices -What 'EX01: services of the old certificate' -Actual $certificate.Services -Expected 'IIS,SMTP'
}
$drift += Compare-CertprepValue -What 'EX01: internal transport certificate' -Actual (Get-TransportService -Identity 'EX01').InternalTransportCertificateThumbprint -Expected '{T3}'
$certificate = Get-ExchangeCertificate -Server 'EX02' -Thumbprint '{T1}' -ErrorAction SilentlyContinue
if ($null -eq $certificate) {
    $drift += 'EX02: the old certificate {T1} is not there'
} else {
    $drift += Compare-CertprepServices -What 'EX02: services of the old certificate' -Actual $certificate.Services -Expected 'IIS,SMTP'
}
$drift += Compare-CertprepValue -What 'EX02: internal transport certificate' -Actual (Get-TransportService -Identity 'EX02').InternalTransportCertificateThumbprint -Expected '{T4}'
$authConfig = Get-AuthConfig
$drift += Compare-CertprepValue -What 'Auth certificate (current)' -Actual $authConfig.CurrentCertificateThumbprint -Expected '{T5}'
$drift += Compare-CertprepValue -What 'Auth certificate (next)' -Actual $authConfig.NextCertificateThumbprint -Expected $null
$drift += Compare-CertprepValue -What 'send connector Internet' -Actual (Get-SendConnector -Identity 'Internet').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
$drift += Compare-CertprepValue -What 'receive connector EX01\Default Frontend EX01' -Actual (Get-ReceiveConnector -Identity 'EX01\Default Frontend EX01').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
$drift += Compare-CertprepValue -What 'receive connector EX01\Client Frontend EX01' -Actual (Get-ReceiveConnector -Identity 'EX01\Client Frontend EX01').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
$drift += Compare-CertprepValue -What 'receive connector EX02\Default Frontend EX02' -Actual (Get-ReceiveConnector -Identity 'EX02\Default Frontend EX02').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
$drift += Compare-CertprepValue -What 'receive connector EX02\Client Frontend EX02' -Actual (Get-ReceiveConnector -Identity 'EX02\Client Frontend EX02').TlsCertificateName -Expected '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US'
$naming = @(Get-SendConnector | Where-Object { [string]$_.TlsCertificateName -ceq '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US' })
$drift += Compare-CertprepValue -What 'send connectors naming the old certificate (Get-SendConnector)' -Actual $naming.Count -Expected '1'
$naming = @(Get-ReceiveConnector | Where-Object { [string]$_.TlsCertificateName -ceq '<I>CN=Contoso Legacy TLS CA, O=Contoso Ltd., C=US<S>CN=*.contoso.com, O=Contoso Ltd., C=US' })
$drift += Compare-CertprepValue -What 'receive connectors naming the old certificate (Get-ReceiveConnector)' -Actual $naming.Count -Expected '4'
$drift = @($drift | Where-Object { $_ })
if ($drift.Count -gt 0) {
    $drift | ForEach-Object { Write-Warning $_ }
    throw 'The organisation changed since exchange-state.json was collected; nothing was changed. Collect again and plan again.'
}

# ---- Step 1: read the PFX file ----
Write-Host 'Step 1: read the PFX file'
# [System.IO.File] resolves relative paths against the process directory: resolve first.
$pfxBytes = [System.IO.File]::ReadAllBytes((Resolve-Path -LiteralPath 'C:\certs\mail.pfx').ProviderPath)
if ($WhatIf) {
    $pfxPassword = New-Object -TypeName System.Security.SecureString
} else {
    $pfxPassword = Read-Host -AsSecureString -Prompt 'Password of C:\certs\mail.pfx'
}

# ---- Step 2: import, enable, keep the internal transport certificate ----
Write-Host 'Step 2: import, enable, keep the internal transport certificate'
$null = Invoke-CertprepChange -What 'EX01: import the new certificate' -Change { Import-ExchangeCertificate -Server 'EX01' -FileData $pfxBytes -Password $pfxPassword -PrivateKeyExportable $true -FriendlyName 'mail.contoso.com 2027-05-19' -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'EX01: imported thumbprint' -Actual (Get-ExchangeCertificate -Server 'EX01' -Thumbprint '{T2}' -ErrorAction SilentlyContinue).Thumbprint -Expected '{T2}'
if ($WhatIf) {
    Write-Host 'What if: EX01: enable the new certificate for IIS,SMTP'
} else {
    $null = Invoke-CertprepChange -What 'EX01: enable the new certificate for IIS,SMTP' -Change { Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '{T2}' -Services 'IIS,SMTP' -DoNotRequireSsl -Force -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepServices -What 'EX01: services of the new certificate' -Actual (Get-ExchangeCertificate -Server 'EX01' -Thumbprint '{T2}' -ErrorAction SilentlyContinue).Services -Expected 'IIS,SMTP'
}
$null = Invoke-CertprepChange -What 'EX01: keep the internal transport certificate {T3}' -Change { Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '{T3}' -Services 'SMTP' -Force -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'EX01: internal transport certificate' -Actual (Get-TransportService -Identity 'EX01').InternalTransportCertificateThumbprint -Expected '{T3}'
$null = Invoke-CertprepChange -What 'EX02: import the new certificate' -Change { Import-ExchangeCertificate -Server 'EX02' -FileData $pfxBytes -Password $pfxPassword -PrivateKeyExportable $true -FriendlyName 'mail.contoso.com 2027-05-19' -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'EX02: imported thumbprint' -Actual (Get-ExchangeCertificate -Server 'EX02' -Thumbprint '{T2}' -ErrorAction SilentlyContinue).Thumbprint -Expected '{T2}'
if ($WhatIf) {
    Write-Host 'What if: EX02: enable the new certificate for IIS,SMTP'
} else {
    $null = Invoke-CertprepChange -What 'EX02: enable the new certificate for IIS,SMTP' -Change { Enable-ExchangeCertificate -Server 'EX02' -Thumbprint '{T2}' -Services 'IIS,SMTP' -DoNotRequireSsl -Force -ErrorAction Stop -WhatIf:$WhatIf }
    Assert-CertprepServices -What 'EX02: services of the new certificate' -Actual (Get-ExchangeCertificate -Server 'EX02' -Thumbprint '{T2}' -ErrorAction SilentlyContinue).Services -Expected 'IIS,SMTP'
}
$null = Invoke-CertprepChange -What 'EX02: keep the internal transport certificate {T4}' -Change { Enable-ExchangeCertificate -Server 'EX02' -Thumbprint '{T4}' -Services 'SMTP' -Force -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'EX02: internal transport certificate' -Actual (Get-TransportService -Identity 'EX02').InternalTransportCertificateThumbprint -Expected '{T4}'

# ---- Step 3: connectors, hybrid configuration, POP/IMAP names ----
Write-Host 'Step 3: connectors, hybrid configuration, POP/IMAP names'
$null = Invoke-CertprepChange -What 'send connector Internet: set <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -Change { Set-SendConnector -Identity 'Internet' -TlsCertificateName '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'send connector Internet' -Actual (Get-SendConnector -Identity 'Internet').TlsCertificateName -Expected '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US'
$null = Invoke-CertprepChange -What 'receive connector EX01\Default Frontend EX01: set <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -Change { Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'receive connector EX01\Default Frontend EX01' -Actual (Get-ReceiveConnector -Identity 'EX01\Default Frontend EX01').TlsCertificateName -Expected '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US'
$null = Invoke-CertprepChange -What 'receive connector EX01\Client Frontend EX01: set <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -Change { Set-ReceiveConnector -Identity 'EX01\Client Frontend EX01' -TlsCertificateName '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'receive connector EX01\Client Frontend EX01' -Actual (Get-ReceiveConnector -Identity 'EX01\Client Frontend EX01').TlsCertificateName -Expected '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US'
$null = Invoke-CertprepChange -What 'receive connector EX02\Default Frontend EX02: set <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -Change { Set-ReceiveConnector -Identity 'EX02\Default Frontend EX02' -TlsCertificateName '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'receive connector EX02\Default Frontend EX02' -Actual (Get-ReceiveConnector -Identity 'EX02\Default Frontend EX02').TlsCertificateName -Expected '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US'
$null = Invoke-CertprepChange -What 'receive connector EX02\Client Frontend EX02: set <I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -Change { Set-ReceiveConnector -Identity 'EX02\Client Frontend EX02' -TlsCertificateName '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US' -ErrorAction Stop -WhatIf:$WhatIf }
Assert-CertprepValue -What 'receive connector EX02\Client Frontend EX02' -Actual (Get-ReceiveConnector -Identity 'EX02\Client Frontend EX02').TlsCertificateName -Expected '<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O="Contoso, Ltd.", L=Seattle, S=Washington, C=US'

# ---- Step 4: restart the services that cache the certificate ----
Write-Host 'Step 4: restart the services that cache the certificate'
Invoke-Command -ComputerName 'EX01' -ArgumentList $WhatIf.IsPresent -ErrorAction Stop -ScriptBlock {
    param([bool]$DryRun)
    Restart-Service -Name 'MSExchangeTransport', 'MSExchangeFrontEndTransport' -WhatIf:$DryRun
    if ($DryRun) { 'What if: iisreset /noforce' } else { iisreset /noforce }
}
Invoke-Command -ComputerName 'EX02' -ArgumentList $WhatIf.IsPresent -ErrorAction Stop -ScriptBlock {
    param([bool]$DryRun)
    Restart-Service -Name 'MSExchangeTransport', 'MSExchangeFrontEndTransport' -WhatIf:$DryRun
    if ($DryRun) { 'What if: iisreset /noforce' } else { iisreset /noforce }
}

# ---- Step 5: verify on every server ----
Write-Host 'Step 5: verify on every server'
$problems = 0
if ($WhatIf) {
    Write-Host '  -WhatIf: nothing was changed, so there is nothing to verify.'
} else {
    $problems += Test-CertprepStatus -Server 'EX01' -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX01' -Port 443 -SmtpStartTls:$false -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX01' -Port 25 -SmtpStartTls:$true -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX01' -Port 587 -SmtpStartTls:$true -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX01' -Port 995 -SmtpStartTls:$false -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX01' -Port 993 -SmtpStartTls:$false -Thumbprint '{T2}'
    $problems += Test-CertprepStatus -Server 'EX02' -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX02' -Port 443 -SmtpStartTls:$false -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX02' -Port 25 -SmtpStartTls:$true -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX02' -Port 587 -SmtpStartTls:$true -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX02' -Port 995 -SmtpStartTls:$false -Thumbprint '{T2}'
    $problems += Test-CertprepPresented -ComputerName 'EX02' -Port 993 -SmtpStartTls:$false -Thumbprint '{T2}'
}

# ---- Step 6: remove the old certificate (asks first) ----
Write-Host 'Step 6: remove the old certificate (asks first)'
if ($problems -gt 0) {
    Write-Warning ('Verification found ' + $problems + ' problem(s); the old certificate is kept. Fix them, or run this script with -Rollback.')
} else {
    if ($WhatIf) {
        $answer = 'REMOVE'
    } else {
        $answer = Read-Host -Prompt 'Type REMOVE to delete the old certificate {T1} from EX01, EX02 (anything else keeps it)'
    }
    if ($answer -ceq 'REMOVE') {
        $null = Invoke-CertprepChange -What 'EX01: remove the old certificate' -Change { Remove-ExchangeCertificate -Server 'EX01' -Thumbprint '{T1}' -Confirm:$false -ErrorAction Stop -WhatIf:$WhatIf }
        $null = Invoke-CertprepChange -What 'EX02: remove the old certificate' -Change { Remove-ExchangeCertificate -Server 'EX02' -Thumbprint '{T1}' -Confirm:$false -ErrorAction Stop -WhatIf:$WhatIf }
    } else {
        Write-Host 'The old certificate was kept; -Rollback can still return to it.'
    }
}
