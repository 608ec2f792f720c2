import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process in its own process group, its output appended to a log file. The group
/// lets a timeout, a cancellation or a dead runner's successor kill everything the step
/// started (a shell, its Python, their children), not just the first process.
final class ChildProcess: Sendable {
    /// The process id, which is also the process group id.
    let pid: pid_t

    /// How a child ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// What went wrong starting a child.
    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    private init(pid: pid_t) { self.pid = pid }

    /// Starts `executable arguments...` in `directory` with exactly `environment`, standard
    /// input from /dev/null and both output streams appended to `logFile`.
    static func launch(
        _ executable: String, _ arguments: [String], in directory: String, environment: [String: String],
        logFile: String
    ) throws(LaunchError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // Glibc's posix_spawn has no portable chdir action, so the shell changes directory.
        let argv = (["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw LaunchError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end, on a thread of its own so the cooperative pool never blocks.
    func wait() async -> Termination {
        let pid = pid
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                let termination: Termination =
                    (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
                continuation.resume(returning: termination)
            }
        }
    }

    /// Kills the whole process group.
    func killGroup() {
        kill(-pid, SIGKILL)
    }
}
