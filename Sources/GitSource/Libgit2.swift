internal import CLibgit2

/// The process-wide libgit2 library state.
enum Libgit2 {
    /// `git_libgit2_init` is reference-counted and never undone: a lazy static runs it exactly once,
    /// thread-safely, and no shutdown is ever called (objects may be alive until exit).
    private static let initialization: Int32 = git_libgit2_init()

    /// Initializes libgit2 if nothing has yet; every entry point calls this first.
    static func ensureInitialized() { _ = initialization }
}

/// A failed libgit2 call, with the thread-local error text read at once.
///
/// libgit2 keeps its last error per thread, so this must be built synchronously right after the
/// failing call, with no `await` in between.
struct Libgit2Failure: Sendable {
    /// The libgit2 function that failed.
    let function: String
    /// Its negative return code (`git_error_code`).
    let code: Int32
    /// The error class (`git_error_t`), 0 when libgit2 set none.
    let errorClass: Int32
    /// libgit2's message, or a placeholder when it set none.
    let message: String

    init(function: StaticString, code: Int32) {
        self.function = "\(function)"
        self.code = code
        if let last = git_error_last() {
            errorClass = last.pointee.klass
            message = last.pointee.message.map { String(cString: $0) } ?? "no detail"
        } else {
            errorClass = 0
            message = "no detail"
        }
    }

    /// The object, path or reference was not found.
    var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    /// libgit2 1.5.1 reports a repository owned by another user as a missing `safe.directory`
    /// config value (-3, class config) instead of `GIT_EOWNER` (libgit2 PR #6408).
    var isOwnershipRefusal: Bool {
        code == GIT_EOWNER.rawValue
            || (code == GIT_ENOTFOUND.rawValue && errorClass == Int32(GIT_ERROR_CONFIG.rawValue)
                && message.contains("safe.directory"))
    }

    /// The failure as the catch-all error case.
    var generic: GitError { .libgit2(function: function, code: code, detail: message) }
}

/// Checks a libgit2 return code; on failure throws what `map` makes of it, or the generic case.
@inline(__always)
func check(
    _ code: Int32, _ function: StaticString, orElse map: (Libgit2Failure) -> GitError? = { _ in nil }
) throws(GitError) {
    guard code < 0 else { return }
    let failure = Libgit2Failure(function: function, code: code)
    throw map(failure) ?? failure.generic
}

/// The 40-character hexadecimal form of an object id.
func hex(_ oid: UnsafePointer<git_oid>) -> String {
    var buffer = [CChar](repeating: 0, count: 40)
    git_oid_fmt(&buffer, oid)
    return String(decoding: buffer.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A C string libgit2 lends us, copied (empty for NULL).
func string(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
}
