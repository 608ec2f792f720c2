public import Foundation
public import Manifests

/// When a schedule's trigger fires, so the local runner can start its job at the times
/// Azure ML would and find the ones it missed while it was not running.
///
/// All arithmetic is on whole seconds of local wall-clock time in the trigger's time zone,
/// converted to instants through `TimeZone` offsets, rather than through `Calendar`: it makes
/// the daylight-saving rules explicit and keeps a search to integer steps.
///
/// Daylight saving time: a local time that does not exist (skipped by a spring-forward
/// change, e.g. 02:30 in Berlin on the last Sunday of March) is skipped, not moved; a local
/// time that occurs twice (the repeated hour of a fall-back change) fires once, at its first
/// occurrence. Recurrences with `minute` and `hour` frequency count elapsed time and are not
/// affected by either.
public struct TriggerCalendar: Sendable {
    /// The zone the trigger's fields and its local start and end times are read in.
    public let timeZone: TimeZone
    /// The parsed start time, if any: no fire is earlier.
    public let startTime: Date?
    /// The parsed end time, if any: no fire is later (a fire exactly at it still counts).
    public let endTime: Date?
    private let rule: Rule

    private enum Rule: Sendable {
        case cron(CronExpression)
        /// `minute`/`hour` frequencies: elapsed seconds, independent of the zone.
        case every(seconds: Int)
        /// `day`/`week`/`month`: local days, at each of the times of day.
        case calendar(Period, interval: Int, times: TimesOfDay)
    }

    private enum Period: Sendable {
        case day
        /// Week days as 0 = Monday ... 6 = Sunday; empty = the anchor's.
        case week(days: [Int])
        /// Both empty = the anchor's day of month; otherwise a day matches if either lists it.
        case month(days: Set<Int>, weekDays: Set<Int>)
    }

    /// Hours and minutes as written; empty means the anchor's, so they can only be resolved
    /// once the anchor is known.
    private struct TimesOfDay: Sendable {
        var hours: [Int]
        var minutes: [Int]

        /// Sorted minutes since local midnight.
        func resolved(anchorMinuteOfDay: Int) -> [Int] {
            let hours = hours.isEmpty ? [anchorMinuteOfDay / 60] : hours
            let minutes = minutes.isEmpty ? [anchorMinuteOfDay % 60] : minutes
            return Set(hours.flatMap { hour in minutes.map { hour * 60 + $0 } }).sorted()
        }
    }

    private static let frequencies = ["minute", "hour", "day", "week", "month"]
    private static let weekDayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    /// A month pattern such as day 29 of every 12th month from February recurs only in leap
    /// years (up to 8 years apart); a full 400-year Gregorian cycle bounds the search for
    /// patterns that never recur.
    private static let maxPeriods = 4_800

    /// Parses the trigger; errors name the field and say what is wrong ("trigger.expression:
    /// field 2 (hour) '25' is out of range 0-23"), so a manifest that cannot be scheduled
    /// fails when it is applied rather than silently never firing.
    public init(_ trigger: ScheduleTrigger) throws(TriggerError) {
        let zoneName: String, start: String?, end: String?
        switch trigger {
        case .cron(_, let zone, let startText, let endText),
             .recurrence(_, _, _, _, _, _, let zone, let startText, let endText):
            (zoneName, start, end) = (zone, startText, endText)
        }
        guard let zone = WindowsTimeZones.timeZone(named: zoneName) else {
            throw TriggerError(
                field: "trigger.time_zone",
                message: "unknown time zone '\(zoneName)'; use a Windows name such as 'Pacific Standard Time' or an IANA name such as 'Europe/Berlin'")
        }
        timeZone = zone
        switch trigger {
        case .cron(let expression, _, _, _):
            rule = .cron(try CronExpression(expression))
        case .recurrence(let frequency, let interval, let hours, let minutes, let weekDays, let monthDays, _, _, _):
            rule = try Self.recurrence(
                frequency: frequency, interval: interval, hours: hours, minutes: minutes, weekDays: weekDays, monthDays: monthDays)
        }
        let startDate = try start.map { text throws(TriggerError) in try Self.parseTime(text, field: "trigger.start_time", in: zone) }
        let endDate = try end.map { text throws(TriggerError) in try Self.parseTime(text, field: "trigger.end_time", in: zone) }
        if let startDate, let endDate, endDate < startDate {
            throw TriggerError(field: "trigger.end_time", message: "'\(end!)' is before start_time '\(start!)'")
        }
        startTime = startDate
        endTime = endDate
    }

    /// The first fire time strictly after `date`, never before the start time nor after the
    /// end time; nil when none is left. `anchor` is when the schedule started counting (its
    /// start_time if given, else the time it was created): recurrence intervals count from
    /// it and a recurrence never fires before it (at its minute). Cron triggers ignore it.
    public func nextFire(after date: Date, anchor: Date) -> Date? {
        // Fires fall on whole seconds, so "strictly after" is "at or after the next second".
        var lower = Self.floorSeconds(date) + 1
        if let startTime { lower = max(lower, Self.ceilSeconds(startTime)) }
        let end = endTime.map(Self.floorSeconds)
        let fire: Int?
        switch rule {
        case .cron(let cron):
            fire = cronFire(cron, atOrAfter: lower)
        case .every(let seconds):
            let base = Self.floorDivMod(Self.floorSeconds(anchor), 60).quotient * 60
            let from = max(lower, base)
            fire = base + Self.ceilDiv(from - base, seconds) * seconds
        case .calendar(let period, let interval, let times):
            let anchorMinute = Self.floorDivMod(Self.floorSeconds(anchor), 60).quotient * 60
            fire = calendarFire(
                period, interval: interval, times: times, atOrAfter: max(lower, anchorMinute), anchor: anchorMinute, end: end)
        }
        guard let fire, end.map({ fire <= $0 }) ?? true else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(fire))
    }

    /// Fire times in (from, through], oldest first, at most `limit`, so catching up on missed
    /// triggers after a long downtime stays bounded.
    public func fires(after from: Date, through: Date, anchor: Date, limit: Int) -> [Date] {
        var result: [Date] = []
        var cursor = from
        while result.count < limit, let next = nextFire(after: cursor, anchor: anchor), next <= through {
            result.append(next)
            cursor = next
        }
        return result
    }

    // MARK: - Searching

    private func cronFire(_ cron: CronExpression, atOrAfter lower: Int) -> Int? {
        var wallMinute = Self.ceilDiv(wall(of: lower), 60)
        // Each retry skips one nonexistent or already-passed (repeated-hour) minute; a DST
        // change moves the clock by at most a few hours, so this bound is never reached.
        for _ in 0..<10_000 {
            guard let match = cron.nextMatch(atOrAfter: wallMinute) else { return nil }
            if let instant = instant(ofWall: match * 60), instant >= lower { return instant }
            wallMinute = match + 1
        }
        return nil
    }

    private func calendarFire(_ period: Period, interval: Int, times: TimesOfDay, atOrAfter lower: Int, anchor: Int, end: Int?) -> Int? {
        let (anchorDay, anchorSecondOfDay) = Self.floorDivMod(wall(of: anchor), 86_400)
        let minutesOfDay = times.resolved(anchorMinuteOfDay: anchorSecondOfDay / 60)
        let lowerDay = Self.floorDivMod(wall(of: lower), 86_400).quotient
        let endDay = end.map { Self.floorDivMod(wall(of: $0), 86_400).quotient }

        let firstPeriod: Int
        let days: (Int) -> [Int]
        switch period {
        case .day:
            firstPeriod = Self.floorDivMod(lowerDay - anchorDay, interval).quotient
            days = { [anchorDay + $0 * interval] }
        case .week(let weekDays):
            let weekStart = anchorDay - Self.mondayIndex(day: anchorDay)
            let offsets = weekDays.isEmpty ? [Self.mondayIndex(day: anchorDay)] : weekDays
            firstPeriod = Self.floorDivMod(lowerDay - weekStart, 7 * interval).quotient
            days = { period in offsets.map { weekStart + period * 7 * interval + $0 } }
        case .month(let monthDays, let weekDays):
            let anchorDate = Civil.date(days: anchorDay)
            let anchorMonth = anchorDate.year * 12 + anchorDate.month - 1
            let lowerDate = Civil.date(days: lowerDay)
            firstPeriod = Self.floorDivMod(lowerDate.year * 12 + lowerDate.month - 1 - anchorMonth, interval).quotient
            let onAnchorDay = monthDays.isEmpty && weekDays.isEmpty
            days = { period in
                let (year, monthIndex) = Self.floorDivMod(anchorMonth + period * interval, 12)
                let first = Civil.days(year: year, month: monthIndex + 1, day: 1)
                return (0..<Civil.daysIn(year: year, month: monthIndex + 1)).map { first + $0 }.filter { day in
                    let dayOfMonth = day - first + 1
                    if onAnchorDay { return dayOfMonth == anchorDate.day }
                    return monthDays.contains(dayOfMonth) || weekDays.contains(Self.mondayIndex(day: day))
                }
            }
        }

        for period in max(0, firstPeriod)..<(max(0, firstPeriod) + Self.maxPeriods) {
            let candidates = days(period)
            if let endDay, let first = candidates.first, first > endDay + 1 { return nil }
            for day in candidates where day >= lowerDay - 1 {
                for minute in minutesOfDay {
                    if let instant = instant(ofWall: day * 86_400 + minute * 60), instant >= lower { return instant }
                }
            }
        }
        return nil
    }

    // MARK: - Wall clock

    private func wall(of instant: Int) -> Int { Self.wall(of: instant, in: timeZone) }
    private func instant(ofWall wall: Int) -> Int? { Self.instants(ofWall: wall, in: timeZone).min() }

    private static func wall(of instant: Int, in zone: TimeZone) -> Int {
        instant + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    /// Every instant whose local time in `zone` is `wall` (seconds since 1970-01-01T00:00
    /// local): none in a spring-forward gap, two in a fall-back overlap. Offsets in force a
    /// day before and after cover any single change.
    private static func instants(ofWall wall: Int, in zone: TimeZone) -> [Int] {
        var found: [Int] = []
        for probe in [wall - 86_400, wall, wall + 86_400] {
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(probe)))
            let candidate = wall - offset
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(candidate))) == offset, !found.contains(candidate) {
                found.append(candidate)
            }
        }
        return found
    }

    private static func floorSeconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }
    private static func ceilSeconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.up)) }

    private static func floorDivMod(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        Civil.floorDivMod(value, divisor)
    }

    private static func ceilDiv(_ value: Int, _ divisor: Int) -> Int {
        -floorDivMod(-value, divisor).quotient
    }

    private static func mondayIndex(day: Int) -> Int { (Civil.weekday(days: day) + 6) % 7 }

    // MARK: - Parsing

    private static func recurrence(
        frequency: String, interval: Int, hours: [Int], minutes: [Int], weekDays: [String], monthDays: [Int]
    ) throws(TriggerError) -> Rule {
        let frequency = frequency.trimmingCharacters(in: .whitespaces).lowercased()
        guard frequencies.contains(frequency) else {
            throw TriggerError(
                field: "trigger.frequency",
                message: "'\(frequency)' is not a frequency; expected one of \(frequencies.joined(separator: ", "))")
        }
        guard interval >= 1 else {
            throw TriggerError(field: "trigger.interval", message: "must be at least 1, found \(interval)")
        }
        for hour in hours where !(0...23).contains(hour) {
            throw TriggerError(field: "trigger.schedule.hours", message: "\(hour) is out of range 0-23")
        }
        for minute in minutes where !(0...59).contains(minute) {
            throw TriggerError(field: "trigger.schedule.minutes", message: "\(minute) is out of range 0-59")
        }
        for day in monthDays where !(1...31).contains(day) {
            throw TriggerError(field: "trigger.schedule.month_days", message: "\(day) is out of range 1-31")
        }
        var weekDayIndexes: [Int] = []
        for name in weekDays {
            guard let index = weekDayNames.firstIndex(of: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw TriggerError(
                    field: "trigger.schedule.week_days",
                    message: "'\(name)' is not a week day; expected one of \(weekDayNames.joined(separator: ", "))")
            }
            weekDayIndexes.append(index)
        }
        // A pattern field the frequency does not use would be silently ignored; saying so
        // is kinder than a schedule that fires at other times than its author meant.
        let usedBy: [(field: String, isSet: Bool, frequencies: [String])] = [
            ("trigger.schedule.hours", !hours.isEmpty, ["day", "week", "month"]),
            ("trigger.schedule.minutes", !minutes.isEmpty, ["day", "week", "month"]),
            ("trigger.schedule.week_days", !weekDays.isEmpty, ["week", "month"]),
            ("trigger.schedule.month_days", !monthDays.isEmpty, ["month"]),
        ]
        for entry in usedBy where entry.isSet && !entry.frequencies.contains(frequency) {
            throw TriggerError(
                field: entry.field,
                message: "applies only to frequency \(entry.frequencies.dropLast().joined(separator: ", "))\(entry.frequencies.count > 1 ? " or " : "")\(entry.frequencies.last!), not \(frequency)")
        }
        let times = TimesOfDay(hours: hours, minutes: minutes)
        switch frequency {
        case "minute": return .every(seconds: interval * 60)
        case "hour": return .every(seconds: interval * 3_600)
        case "day": return .calendar(.day, interval: interval, times: times)
        case "week": return .calendar(.week(days: Set(weekDayIndexes).sorted()), interval: interval, times: times)
        default: return .calendar(.month(days: Set(monthDays), weekDays: Set(weekDayIndexes)), interval: interval, times: times)
        }
    }

    /// Reads `2022-07-10T10:00:00` (local to `zone`), optionally with fractional seconds and
    /// `Z` or an offset (which then wins over the zone), also with a space for the `T` and as
    /// a bare date, as YAML timestamps may be written. A local time inside a spring-forward
    /// gap is read with the offset before the change, i.e. moved forward by the gap.
    private static func parseTime(_ text: String, field: String, in zone: TimeZone) throws(TriggerError) -> Date {
        let invalid = TriggerError(
            field: field, message: "'\(text)' is not an ISO 8601 date-time such as 2022-07-10T10:00:00")
        var scanner = DigitScanner(Array(text.trimmingCharacters(in: .whitespaces).utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"), let month = scanner.number(digits: 2), scanner.skip("-"),
              let day = scanner.number(digits: 2), (1...12).contains(month), (1...Civil.daysIn(year: year, month: month)).contains(day)
        else { throw invalid }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        if scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") {
            guard let h = scanner.number(digits: 2), scanner.skip(":"), let m = scanner.number(digits: 2) else { throw invalid }
            (hour, minute) = (h, m)
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2) else { throw invalid }
                second = s
                if scanner.skip(".") || scanner.skip(",") {
                    guard let digits = scanner.digits(), !digits.isEmpty else { throw invalid }
                    fraction = Double("0." + digits) ?? 0
                }
            }
        }
        guard hour <= 23, minute <= 59, second <= 59 else { throw invalid }
        while scanner.skip(" ") {}
        var offset: Int?
        if scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let digits = scanner.digits(), !digits.isEmpty else { throw invalid }
            var hours: Int, minutes = 0
            if digits.count == 4 {
                (hours, minutes) = (Int(digits.prefix(2))!, Int(digits.suffix(2))!)
            } else if digits.count <= 2 {
                hours = Int(digits)!
                if scanner.skip(":") {
                    guard let m = scanner.number(digits: 2) else { throw invalid }
                    minutes = m
                }
            } else {
                throw invalid
            }
            guard hours <= 18, minutes <= 59 else { throw invalid }
            offset = sign * (hours * 3_600 + minutes * 60)
        }
        guard scanner.atEnd else { throw invalid }
        let wall = Civil.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
        let instant: Int
        if let offset {
            instant = wall - offset
        } else if let earliest = instants(ofWall: wall, in: zone).min() {
            instant = earliest
        } else {
            instant = wall - zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall - 86_400)))
        }
        return Date(timeIntervalSince1970: TimeInterval(instant) + fraction)
    }

    private struct DigitScanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        mutating func digits() -> String? {
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func number(digits count: Int) -> Int? {
            guard index + count <= bytes.count, bytes[index..<index + count].allSatisfy({ (48...57).contains($0) }) else { return nil }
            defer { index += count }
            return Int(String(decoding: bytes[index..<index + count], as: UTF8.self))
        }
    }
}

extension TriggerCalendar {
    /// Proleptic Gregorian date arithmetic on day numbers (days since 1970-01-01), after
    /// Howard Hinnant's civil-date algorithms: exact, and free of `Calendar` allocations in
    /// the inner loops of a search.
    enum Civil {
        static func days(year: Int, month: Int, day: Int) -> Int {
            let y = month <= 2 ? year - 1 : year
            let era = floorDivMod(y, 400).quotient
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }

        static func date(days: Int) -> (year: Int, month: Int, day: Int) {
            let z = days + 719_468
            let era = floorDivMod(z, 146_097).quotient
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * mp + 2) / 5 + 1
            let month = mp < 10 ? mp + 3 : mp - 9
            return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
        }

        static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

        static func daysIn(year: Int, month: Int) -> Int {
            month == 2 ? (isLeap(year) ? 29 : 28) : maxDays(inMonth: month)
        }

        /// The most days `month` ever has (29 for February).
        static func maxDays(inMonth month: Int) -> Int {
            switch month {
            case 2: 29
            case 4, 6, 9, 11: 30
            default: 31
            }
        }

        /// 0 = Sunday ... 6 = Saturday, as cron counts; 1970-01-01 was a Thursday.
        static func weekday(days: Int) -> Int { floorDivMod(days + 4, 7).remainder }

        static func floorDivMod(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
            let remainder = ((value % divisor) + divisor) % divisor
            return ((value - remainder) / divisor, remainder)
        }
    }
}

/// Why a trigger cannot be scheduled, with the manifest field at fault.
public struct TriggerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manifest field, as written in YAML (`trigger.expression`, `trigger.schedule.hours`).
    public var field: String
    /// What is wrong with it.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`, the form the CLI prints.
    public var description: String { "\(field): \(message)" }
}
