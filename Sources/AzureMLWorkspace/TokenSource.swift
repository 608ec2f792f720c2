import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationCompat
public import Workspaces

/// How mlgitops gets an ARM access token, without Azure SDKs (reference §11).
public enum AzureCredential: Sendable {
    /// A ready bearer token (`AZURE_ACCESS_TOKEN`): how a CI job that holds one passes it.
    case accessToken(String)
    /// Client credentials with a secret (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`).
    case clientSecret(tenant: String, clientID: String, secret: String)
    /// Client credentials with a certificate: a PEM file with the private key and the
    /// certificate (`AZURE_CLIENT_CERTIFICATE_PATH`), presented as a signed assertion.
    case clientCertificate(tenant: String, clientID: String, certificatePath: String)
    /// Workload identity: a federated token read from a file (`AZURE_FEDERATED_TOKEN_FILE`),
    /// exchanged as a client assertion.
    case federatedToken(tenant: String, clientID: String, tokenFile: String)
    /// The managed identity of the machine: `IDENTITY_ENDPOINT` (App Service, Container Apps,
    /// Arc) or the VM's IMDS endpoint.
    case managedIdentity(clientID: String?)
    /// Reuse of `az account get-access-token`.
    case azureCLI

    /// The first credential the environment names, in this order: `AZURE_ACCESS_TOKEN`, a
    /// client secret, a client certificate, a federated token file, `IDENTITY_ENDPOINT` or `AZURE_USE_MANAGED_IDENTITY`,
    /// else the Azure CLI.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> AzureCredential {
        if let token = environment["AZURE_ACCESS_TOKEN"], !token.isEmpty { return .accessToken(token) }
        let tenant = environment["AZURE_TENANT_ID"], client = environment["AZURE_CLIENT_ID"]
        if let tenant, let client, let secret = environment["AZURE_CLIENT_SECRET"], !secret.isEmpty {
            return .clientSecret(tenant: tenant, clientID: client, secret: secret)
        }
        if let tenant, let client, let path = environment["AZURE_CLIENT_CERTIFICATE_PATH"], !path.isEmpty {
            return .clientCertificate(tenant: tenant, clientID: client, certificatePath: path)
        }
        if let tenant, let client, let file = environment["AZURE_FEDERATED_TOKEN_FILE"], !file.isEmpty {
            return .federatedToken(tenant: tenant, clientID: client, tokenFile: file)
        }
        if environment["IDENTITY_ENDPOINT"] != nil || environment["AZURE_USE_MANAGED_IDENTITY"] == "true" {
            return .managedIdentity(clientID: client)
        }
        return .azureCLI
    }

    /// What people read: the kind, never the secret.
    public var summary: String {
        switch self {
        case .accessToken: "a token from AZURE_ACCESS_TOKEN"
        case .clientSecret(_, let clientID, _): "client credentials of \(clientID)"
        case .clientCertificate(_, let clientID, let path): "the certificate \(path) of \(clientID)"
        case .federatedToken(_, let clientID, let file): "a federated token (\(file)) for \(clientID)"
        case .managedIdentity(let clientID): "the managed identity" + (clientID.map { " \($0)" } ?? "")
        case .azureCLI: "the Azure CLI login (az account get-access-token)"
        }
    }
}

/// Where the token endpoints are; tests point them at the fake server.
public struct TokenEndpoints: Sendable {
    /// `https://login.microsoftonline.com` (`AZURE_AUTHORITY_HOST`).
    public var authorityHost: String
    /// `http://169.254.169.254` (`AZURE_IMDS_ENDPOINT`).
    public var imds: String
    /// App Service style endpoint and header (`IDENTITY_ENDPOINT`, `IDENTITY_HEADER`).
    public var identityEndpoint: String?
    public var identityHeader: String?
    /// The token audience.
    public var resource: String

    public init(
        authorityHost: String = "https://login.microsoftonline.com", imds: String = "http://169.254.169.254",
        identityEndpoint: String? = nil, identityHeader: String? = nil, resource: String = "https://management.azure.com/"
    ) {
        self.authorityHost = authorityHost
        self.imds = imds
        self.identityEndpoint = identityEndpoint
        self.identityHeader = identityHeader
        self.resource = resource
    }

    /// From `AZURE_AUTHORITY_HOST`, `AZURE_IMDS_ENDPOINT`, `IDENTITY_ENDPOINT`, `IDENTITY_HEADER`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> TokenEndpoints {
        TokenEndpoints(
            authorityHost: (environment["AZURE_AUTHORITY_HOST"] ?? "https://login.microsoftonline.com").trimmingTrailingSlash,
            imds: (environment["AZURE_IMDS_ENDPOINT"] ?? "http://169.254.169.254").trimmingTrailingSlash,
            identityEndpoint: environment["IDENTITY_ENDPOINT"], identityHeader: environment["IDENTITY_HEADER"])
    }
}

/// Gets and caches access tokens: a token is reused until five minutes before it expires.
/// Secrets stay in memory only: no message, log or error ever carries one.
public actor TokenSource {
    public let credential: AzureCredential
    let endpoints: TokenEndpoints
    private var cached: (token: String, expires: Date)?
    /// How long before expiry a token is renewed.
    static let renewalMargin: TimeInterval = 300

    public init(credential: AzureCredential, endpoints: TokenEndpoints = .fromEnvironment()) {
        self.credential = credential
        self.endpoints = endpoints
    }

    /// A valid bearer token.
    public func token() async throws(WorkspaceError) -> String {
        if let cached, cached.expires.timeIntervalSinceNow > Self.renewalMargin { return cached.token }
        let fresh = try await acquire()
        cached = fresh
        return fresh.token
    }

    /// Forgets the cached token (after a 401), so the next call acquires a new one.
    public func invalidate() { cached = nil }

    private func acquire() async throws(WorkspaceError) -> (token: String, expires: Date) {
        switch credential {
        case .accessToken(let token):
            // The holder knows its lifetime; treat it as valid for the run.
            return (token, Date().addingTimeInterval(3600 * 24))
        case .clientSecret(let tenant, let clientID, let secret):
            return try await identityPlatform(tenant: tenant, fields: [
                ("client_id", clientID), ("scope", scope), ("client_secret", secret), ("grant_type", "client_credentials"),
            ])
        case .clientCertificate(let tenant, let clientID, let path):
            let assertion = try ClientAssertion.make(
                pemFile: path, clientID: clientID, audience: "\(endpoints.authorityHost)/\(tenant)/oauth2/v2.0/token")
            return try await identityPlatform(tenant: tenant, fields: [
                ("client_id", clientID), ("scope", scope),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion), ("grant_type", "client_credentials"),
            ])
        case .federatedToken(let tenant, let clientID, let file):
            guard let assertion = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
                !assertion.isEmpty
            else { throw .unauthorized(detail: "cannot read the federated token file \(file) (AZURE_FEDERATED_TOKEN_FILE)") }
            return try await identityPlatform(tenant: tenant, fields: [
                ("client_id", clientID), ("scope", scope),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion), ("grant_type", "client_credentials"),
            ])
        case .managedIdentity(let clientID):
            return try await managedIdentity(clientID: clientID)
        case .azureCLI:
            return try await azureCLI()
        }
    }

    private var scope: String { endpoints.resource.trimmingTrailingSlash + "/.default" }

    /// POST `{authority}/{tenant}/oauth2/v2.0/token` (form); errors keep AAD's code, never the form.
    private func identityPlatform(tenant: String, fields: [(String, String)]) async throws(WorkspaceError) -> (token: String, expires: Date) {
        var request = HTTPClientRequest(url: "\(endpoints.authorityHost)/\(tenant)/oauth2/v2.0/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let form = fields.map { "\($0.0)=\($0.1.formEncoded)" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let (status, object) = try await Self.fetch(request, what: "the identity platform")
        guard status == 200, let token = object["access_token"] as? String else {
            let code = object["error"] as? String ?? "HTTP \(status)"
            let description = (object["error_description"] as? String)?.split(separator: "\n").first.map(String.init) ?? ""
            throw .unauthorized(detail: "the identity platform refused \(credential.summary): \(code) \(description)")
        }
        let lifetime = (object["expires_in"] as? Int) ?? Int(object["expires_in"] as? String ?? "") ?? 3599
        return (token, Date().addingTimeInterval(TimeInterval(lifetime)))
    }

    /// IDENTITY_ENDPOINT (with its header) or IMDS (`Metadata: true`), with a short timeout.
    private func managedIdentity(clientID: String?) async throws(WorkspaceError) -> (token: String, expires: Date) {
        let resource = endpoints.resource.formEncoded
        var request: HTTPClientRequest
        if let endpoint = endpoints.identityEndpoint {
            request = HTTPClientRequest(url: "\(endpoint)?api-version=2019-08-01&resource=\(resource)" + (clientID.map { "&client_id=\($0)" } ?? ""))
            if let header = endpoints.identityHeader { request.headers.add(name: "X-IDENTITY-HEADER", value: header) }
        } else {
            request = HTTPClientRequest(
                url: "\(endpoints.imds)/metadata/identity/oauth2/token?api-version=2018-02-01&resource=\(resource)"
                    + (clientID.map { "&client_id=\($0)" } ?? ""))
            request.headers.add(name: "Metadata", value: "true")
        }
        let (status, object) = try await Self.fetch(request, what: "the managed identity endpoint", timeout: .seconds(3))
        guard status == 200, let token = object["access_token"] as? String else {
            throw .unauthorized(detail: "the managed identity endpoint answered HTTP \(status) \(object["error"] as? String ?? "")")
        }
        let expiresOn = (object["expires_on"] as? String).flatMap(Double.init) ?? (object["expires_on"] as? Double)
        return (token, expiresOn.map { Date(timeIntervalSince1970: $0) } ?? Date().addingTimeInterval(3000))
    }

    /// `az account get-access-token --resource … -o json`; uses `expires_on` (POSIX seconds).
    private func azureCLI() async throws(WorkspaceError) -> (token: String, expires: Date) {
        let output: Data
        do {
            output = try await Self.runCLI(["az", "account", "get-access-token", "--resource", endpoints.resource, "-o", "json"])
        } catch {
            throw .unauthorized(
                detail: "no credential: set AZURE_ACCESS_TOKEN, or AZURE_TENANT_ID/AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE, or run `az login` (\(error))")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: output)) as? [String: Any],
            let token = object["accessToken"] as? String
        else { throw .unauthorized(detail: "az account get-access-token printed no accessToken; run `az login`") }
        let expires = (object["expires_on"] as? Double) ?? (object["expires_on"] as? Int).map(Double.init) ?? Date().timeIntervalSince1970 + 1800
        return (token, Date(timeIntervalSince1970: expires))
    }

    struct CLIFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs the CLI off the cooperative pool and returns its standard output.
    static func runCLI(_ arguments: [String]) async throws -> Data {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.terminationHandler = { finished in
                let data = out.fileHandleForReading.readDataToEndOfFile()
                if finished.terminationStatus == 0 {
                    continuation.resume(returning: data)
                } else {
                    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    continuation.resume(throwing: CLIFailure(description: "`\(arguments.prefix(3).joined(separator: " "))` exited \(finished.terminationStatus): \(message.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))"))
                }
            }
            do { try process.run() } catch { continuation.resume(throwing: CLIFailure(description: "cannot run `az`: \(error.localizedDescription)")) }
        }
    }

    /// One request to a token endpoint; transport failures are `unauthorized` with the endpoint named.
    static func fetch(_ request: HTTPClientRequest, what: String, timeout: TimeAmount = .seconds(30)) async throws(WorkspaceError) -> (Int, [String: Any]) {
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
            return (Int(response.status.code), object)
        } catch {
            throw .unauthorized(detail: "cannot reach \(what) (\(request.url.split(separator: "?").first ?? "")): \(error)")
        }
    }
}

extension String {
    var trimmingTrailingSlash: String { hasSuffix("/") ? String(dropLast()) : self }

    /// `application/x-www-form-urlencoded` value encoding.
    var formEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
