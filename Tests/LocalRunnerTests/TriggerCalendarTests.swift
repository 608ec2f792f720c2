import Foundation
import Manifests
import XCTest

@testable import LocalRunner

final class TriggerCalendarTests: XCTestCase {
    // MARK: - Helpers

    /// An instant written with its offset, parsed independently of the code under test.
    private func at(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Date {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else {
            XCTFail("bad test date \(text)", file: file, line: line)
            return .distantPast
        }
        return date
    }

    private func utc(_ date: Date?) -> String {
        guard let date else { return "nil" }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    private func cron(_ expression: String, zone: String = "UTC", start: String? = nil, end: String? = nil) throws -> TriggerCalendar {
        try TriggerCalendar(.cron(expression: expression, timeZone: zone, startTime: start, endTime: end))
    }

    private func recurrence(
        _ frequency: String, every interval: Int = 1, hours: [Int] = [], minutes: [Int] = [], weekDays: [String] = [],
        monthDays: [Int] = [], zone: String = "UTC", start: String? = nil, end: String? = nil
    ) throws -> TriggerCalendar {
        try TriggerCalendar(
            .recurrence(
                frequency: frequency, interval: interval, hours: hours, minutes: minutes, weekDays: weekDays,
                monthDays: monthDays, timeZone: zone, startTime: start, endTime: end))
    }

    /// Asserts each `(after, expected next fire)` pair.
    private func assertNext(
        _ calendar: TriggerCalendar, anchor: String = "2000-01-01T00:00:00Z", _ cases: [(after: String, next: String?)],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for (after, expected) in cases {
            let next = calendar.nextFire(after: at(after), anchor: at(anchor))
            XCTAssertEqual(utc(next), expected.map { utc(at($0)) } ?? "nil", "next fire after \(after)", file: file, line: line)
        }
    }

    /// Asserts the fires in (from, through], at most `limit`.
    private func assertFires(
        _ calendar: TriggerCalendar, anchor: String = "2000-01-01T00:00:00Z", after from: String, through: String,
        limit: Int = 100, _ expected: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        let fires = calendar.fires(after: at(from), through: at(through), anchor: at(anchor), limit: limit)
        XCTAssertEqual(fires.map(utc), expected.map { utc(at($0)) }, file: file, line: line)
    }

    private func assertError(
        _ trigger: ScheduleTrigger, field: String, message: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let calendar = try TriggerCalendar(trigger)
            XCTFail("expected \(field): \(message), parsed \(calendar.timeZone.identifier)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, TriggerError(field: field, message: message), file: file, line: line)
        }
    }

    // MARK: - Cron

    func testEveryFifteenMinutes() throws {
        assertNext(try cron("*/15 * * * *"), [
            ("2024-05-01T10:00:00Z", "2024-05-01T10:15:00Z"),
            ("2024-05-01T10:07:30Z", "2024-05-01T10:15:00Z"),
            ("2024-05-01T10:14:59Z", "2024-05-01T10:15:00Z"),
            ("2024-05-01T10:15:00Z", "2024-05-01T10:30:00Z"),
            ("2024-05-01T10:59:00Z", "2024-05-01T11:00:00Z"),
            ("2024-12-31T23:50:00Z", "2025-01-01T00:00:00Z"),
        ])
    }

    func testDailyAtHalfPastOneInUTC() throws {
        assertNext(try cron("30 1 * * *"), [
            ("2024-03-30T01:29:59Z", "2024-03-30T01:30:00Z"),
            ("2024-03-30T01:30:00Z", "2024-03-31T01:30:00Z"),
            ("2024-02-28T12:00:00Z", "2024-02-29T01:30:00Z"),
        ])
    }

    func testDailyAtHalfPastOneInWestEuropeAcrossSpringForward() throws {
        // Berlin moves from +01:00 to +02:00 at 02:00 on 2024-03-31; 01:30 exists on both sides.
        assertFires(try cron("30 1 * * *", zone: "W. Europe Standard Time"),
                    after: "2024-03-29T12:00:00Z", through: "2024-04-02T12:00:00Z", [
                        "2024-03-30T01:30:00+01:00",
                        "2024-03-31T01:30:00+01:00",
                        "2024-04-01T01:30:00+02:00",
                        "2024-04-02T01:30:00+02:00",
                    ])
    }

    func testNonexistentLocalTimeIsSkipped() throws {
        // 02:30 does not exist in Berlin on 2024-03-31.
        let calendar = try cron("30 2 * * *", zone: "Europe/Berlin")
        assertNext(calendar, [
            ("2024-03-30T03:00:00+01:00", "2024-04-01T02:30:00+02:00"),
            ("2024-03-29T12:00:00+01:00", "2024-03-30T02:30:00+01:00"),
        ])
        assertFires(try cron("*/30 * * * *", zone: "Europe/Berlin"),
                    after: "2024-03-31T01:00:00+01:00", through: "2024-03-31T03:30:00+02:00", [
                        "2024-03-31T01:30:00+01:00",
                        "2024-03-31T03:00:00+02:00",
                        "2024-03-31T03:30:00+02:00",
                    ])
    }

    func testRepeatedLocalHourFiresOnce() throws {
        // Berlin goes back from 03:00 +02:00 to 02:00 +01:00 on 2024-10-27.
        assertFires(try cron("30 2 * * *", zone: "Europe/Berlin"),
                    after: "2024-10-26T12:00:00Z", through: "2024-10-28T12:00:00Z", [
                        "2024-10-27T02:30:00+02:00",
                        "2024-10-28T02:30:00+01:00",
                    ])
        let halfHourly = try cron("*/30 * * * *", zone: "Europe/Berlin")
        assertFires(halfHourly, after: "2024-10-27T01:45:00+02:00", through: "2024-10-27T03:10:00+01:00", [
            "2024-10-27T02:00:00+02:00",
            "2024-10-27T02:30:00+02:00",
            "2024-10-27T03:00:00+01:00",
        ])
        // From inside the second pass of the repeated hour, its times have already fired.
        assertNext(halfHourly, [("2024-10-27T02:10:00+01:00", "2024-10-27T03:00:00+01:00")])
    }

    func testDayOfMonthOrDayOfWeekWhenBothAreRestricted() throws {
        // The 13th or any Friday; 2024-09-13 is both, 2024-10-13 a Sunday.
        assertFires(try cron("0 12 13 * 5"), after: "2024-09-01T00:00:00Z", through: "2024-10-19T00:00:00Z", [
            "2024-09-06T12:00:00Z", "2024-09-13T12:00:00Z", "2024-09-20T12:00:00Z", "2024-09-27T12:00:00Z",
            "2024-10-04T12:00:00Z", "2024-10-11T12:00:00Z", "2024-10-13T12:00:00Z", "2024-10-18T12:00:00Z",
        ])
    }

    func testStarredDayFieldMakesBothDayFieldsCount() throws {
        // `*/10` days (1, 11, 21, 31) starts with `*`, so it narrows the Fridays instead of adding days.
        assertFires(try cron("0 0 */10 * fri"), after: "2024-01-01T00:00:00Z", through: "2024-12-31T00:00:00Z", [
            "2024-03-01T00:00:00Z", "2024-05-31T00:00:00Z", "2024-06-21T00:00:00Z",
            "2024-10-11T00:00:00Z", "2024-11-01T00:00:00Z",
        ])
        assertNext(try cron("0 0 * * 1"), [("2024-07-02T00:00:00Z", "2024-07-08T00:00:00Z")])
    }

    func testMonthAndDayNamesAndSundayAsSeven() throws {
        assertNext(try cron("0 9 * JAN,jul mon-FRI"), [
            ("2024-06-30T12:00:00Z", "2024-07-01T09:00:00Z"),
            ("2024-07-05T09:00:00Z", "2024-07-08T09:00:00Z"),
            ("2024-07-31T09:00:00Z", "2025-01-01T09:00:00Z"),
        ])
        for expression in ["0 0 * * 7", "0 0 * * 0", "0 0 * * SUN", "0 0 * * 6-7"] {
            assertNext(try cron(expression), [("2024-07-01T00:00:00Z", expression == "0 0 * * 6-7" ? "2024-07-06T00:00:00Z" : "2024-07-07T00:00:00Z")])
        }
    }

    func testStepsOverRanges() throws {
        assertFires(try cron("10-50/20 9-17/4 * * *"), after: "2024-01-01T00:00:00Z", through: "2024-01-02T10:00:00Z", [
            "2024-01-01T09:10:00Z", "2024-01-01T09:30:00Z", "2024-01-01T09:50:00Z",
            "2024-01-01T13:10:00Z", "2024-01-01T13:30:00Z", "2024-01-01T13:50:00Z",
            "2024-01-01T17:10:00Z", "2024-01-01T17:30:00Z", "2024-01-01T17:50:00Z",
            "2024-01-02T09:10:00Z", "2024-01-02T09:30:00Z", "2024-01-02T09:50:00Z",
        ])
        assertFires(try cron("5/15 0 1 1,6-7 *"), after: "2024-06-01T00:00:00Z", through: "2024-07-01T00:20:00Z", [
            "2024-06-01T00:05:00Z", "2024-06-01T00:20:00Z", "2024-06-01T00:35:00Z", "2024-06-01T00:50:00Z",
            "2024-07-01T00:05:00Z", "2024-07-01T00:20:00Z",
        ])
    }

    func testLeapDayIsFoundQuickly() throws {
        let calendar = try cron("0 0 29 2 *")
        assertNext(calendar, [
            ("2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
            ("2024-02-28T23:59:00Z", "2024-02-29T00:00:00Z"),
            ("2096-02-29T00:00:00Z", "2104-02-29T00:00:00Z"),
        ])
        let started = Date()
        var cursor = at("1901-01-01T00:00:00Z")
        for _ in 0..<100 {
            cursor = try XCTUnwrap(calendar.nextFire(after: cursor, anchor: cursor))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5)
        // 2100, 2200 and 2300 are not leap years, so the 100th leap day after 1901 is in 2312.
        XCTAssertEqual(utc(cursor), "2312-02-29T00:00:00Z")
    }

    func testStartAndEndTimeBoundTheFires() throws {
        // Pacific daylight time is -07:00 in July; the start time itself may fire, and so may the end.
        let calendar = try cron("0 * * * *", zone: "Pacific Standard Time", start: "2022-07-10T10:00:00", end: "2022-07-10T12:00:00")
        XCTAssertEqual(calendar.startTime, at("2022-07-10T10:00:00-07:00"))
        XCTAssertEqual(calendar.endTime, at("2022-07-10T12:00:00-07:00"))
        assertNext(calendar, [
            ("2022-07-01T00:00:00Z", "2022-07-10T10:00:00-07:00"),
            ("2022-07-10T10:00:00-07:00", "2022-07-10T11:00:00-07:00"),
            ("2022-07-10T12:00:00-07:00", nil),
            ("2023-01-01T00:00:00Z", nil),
        ])
        assertFires(calendar, after: "2022-07-01T00:00:00Z", through: "2022-08-01T00:00:00Z", [
            "2022-07-10T10:00:00-07:00", "2022-07-10T11:00:00-07:00", "2022-07-10T12:00:00-07:00",
        ])
    }

    func testExplicitOffsetInStartTimeWinsOverTheZone() throws {
        for (start, expected) in [
            ("2022-07-10T10:00:00Z", "2022-07-10T10:00:00Z"),
            ("2022-07-10T10:00:00+05:30", "2022-07-10T04:30:00Z"),
            ("2022-07-10T10:00:00-0300", "2022-07-10T13:00:00Z"),
            ("2022-07-10 10:00:00.250", "2022-07-10T08:00:00Z"),
            ("2022-07-10", "2022-07-09T22:00:00Z"),
            // 02:30 does not exist in Berlin on 2024-03-31: read as the moment the clock reaches 03:30.
            ("2024-03-31T02:30:00", "2024-03-31T01:30:00Z"),
        ] {
            let calendar = try cron("* * * * *", zone: "Europe/Berlin", start: start)
            XCTAssertEqual(utc(calendar.startTime.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }),
                           expected, start)
        }
        // Fractional seconds still bound: 10:00:00.250 local is after 10:00, so 10:01 is first.
        assertNext(try cron("* * * * *", zone: "Europe/Berlin", start: "2022-07-10 10:00:00.250"),
                   [("2022-07-01T00:00:00Z", "2022-07-10T10:01:00+02:00")])
    }

    // MARK: - Recurrence

    func testMinuteRecurrenceCountsFromTheAnchorWithSecondsZeroed() throws {
        assertNext(try recurrence("minute", every: 15), anchor: "2024-01-01T10:07:42Z", [
            ("2024-01-01T09:00:00Z", "2024-01-01T10:07:00Z"),
            ("2024-01-01T10:07:00Z", "2024-01-01T10:22:00Z"),
            ("2024-01-01T10:30:00Z", "2024-01-01T10:37:00Z"),
            ("2024-01-02T10:07:00Z", "2024-01-02T10:22:00Z"),
        ])
    }

    func testHourRecurrenceEveryThreeHours() throws {
        // Elapsed hours, so a DST change does not shift it: 23:30 +01:00 to 03:30 +02:00 is
        // four hours on the clock but three elapsed.
        let calendar = try recurrence("hour", every: 3, zone: "W. Europe Standard Time")
        assertNext(calendar, anchor: "2024-03-30T10:30:00Z", [
            ("2024-03-30T12:00:00Z", "2024-03-30T13:30:00Z"),
            ("2024-03-30T13:30:00Z", "2024-03-30T16:30:00Z"),
            ("2024-03-30T23:30:00+01:00", "2024-03-31T03:30:00+02:00"),
        ])
    }

    func testDayRecurrenceEveryTwoDaysAtHoursTimesMinutes() throws {
        let calendar = try recurrence("day", every: 2, hours: [10, 4], minutes: [30, 0])
        assertFires(calendar, anchor: "2024-01-01T05:00:00Z", after: "2023-12-01T00:00:00Z", through: "2024-01-05T05:00:00Z", [
            "2024-01-01T10:00:00Z", "2024-01-01T10:30:00Z",
            "2024-01-03T04:00:00Z", "2024-01-03T04:30:00Z", "2024-01-03T10:00:00Z", "2024-01-03T10:30:00Z",
            "2024-01-05T04:00:00Z", "2024-01-05T04:30:00Z",
        ])
    }

    func testDayRecurrenceDefaultsToTheAnchorTimeOfDayInItsZone() throws {
        // Same local time on both sides of the March change in Berlin.
        let calendar = try recurrence("day", every: 1, zone: "W. Europe Standard Time", start: "2024-03-29T01:30:00")
        let anchor = try XCTUnwrap(calendar.startTime)
        let fires = calendar.fires(after: anchor.addingTimeInterval(-1), through: at("2024-04-01T12:00:00Z"), anchor: anchor, limit: 10)
        XCTAssertEqual(fires.map(utc), [
            "2024-03-29T01:30:00+01:00", "2024-03-30T01:30:00+01:00", "2024-03-31T01:30:00+01:00", "2024-04-01T01:30:00+02:00",
        ].map { utc(at($0)) })
    }

    func testWeekRecurrenceOnWeekDays() throws {
        // 2024-01-03 is a Wednesday.
        assertFires(try recurrence("week", hours: [10], minutes: [0], weekDays: ["monday", "friday"]),
                    anchor: "2024-01-03T00:00:00Z", after: "2024-01-01T00:00:00Z", through: "2024-01-16T00:00:00Z", [
                        "2024-01-05T10:00:00Z", "2024-01-08T10:00:00Z", "2024-01-12T10:00:00Z", "2024-01-15T10:00:00Z",
                    ])
    }

    func testWeekRecurrenceEveryOtherWeekCountsFromTheAnchorsWeek() throws {
        // The anchor's week starts Monday 2024-01-01, whose Monday is before the anchor.
        assertFires(try recurrence("week", every: 2, hours: [10], minutes: [0], weekDays: ["Monday", "sunday"]),
                    anchor: "2024-01-03T00:00:00Z", after: "2024-01-01T00:00:00Z", through: "2024-02-12T00:00:00Z", [
                        "2024-01-07T10:00:00Z", "2024-01-15T10:00:00Z", "2024-01-21T10:00:00Z",
                        "2024-01-29T10:00:00Z", "2024-02-04T10:00:00Z",
                    ])
    }

    func testWeekRecurrenceEveryThreeWeeksDefaultsToTheAnchorsWeekDay() throws {
        assertFires(try recurrence("week", every: 3), anchor: "2024-01-02T09:00:00Z",
                    after: "2024-01-01T00:00:00Z", through: "2024-03-01T00:00:00Z", [
                        "2024-01-02T09:00:00Z", "2024-01-23T09:00:00Z", "2024-02-13T09:00:00Z",
                    ])
    }

    func testMonthRecurrenceOnMonthDays() throws {
        assertFires(try recurrence("month", hours: [9], minutes: [0], monthDays: [15, 1]),
                    anchor: "2024-01-10T00:00:00Z", after: "2024-01-01T00:00:00Z", through: "2024-03-01T09:00:00Z", [
                        "2024-01-15T09:00:00Z", "2024-02-01T09:00:00Z", "2024-02-15T09:00:00Z", "2024-03-01T09:00:00Z",
                    ])
    }

    func testMonthDayThirtyOneIsSkippedInShorterMonths() throws {
        assertFires(try recurrence("month", hours: [0], minutes: [0], monthDays: [31]),
                    anchor: "2024-01-01T00:00:00Z", after: "2024-01-01T00:00:00Z", through: "2024-09-01T00:00:00Z", [
                        "2024-01-31T00:00:00Z", "2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z",
                        "2024-07-31T00:00:00Z", "2024-08-31T00:00:00Z",
                    ])
    }

    func testMonthRecurrenceEveryThreeMonthsOnTheAnchorsDay() throws {
        // January, April (no 31st), July, October, January.
        assertFires(try recurrence("month", every: 3), anchor: "2024-01-31T06:00:00Z",
                    after: "2024-01-01T00:00:00Z", through: "2025-02-01T00:00:00Z", [
                        "2024-01-31T06:00:00Z", "2024-07-31T06:00:00Z", "2024-10-31T06:00:00Z", "2025-01-31T06:00:00Z",
                    ])
    }

    func testMonthRecurrenceEveryOtherMonthOnTheTwentyNinth() throws {
        assertFires(try recurrence("month", every: 2, hours: [12], minutes: [0], monthDays: [29]),
                    anchor: "2023-12-01T00:00:00Z", after: "2023-12-01T00:00:00Z", through: "2024-05-01T00:00:00Z", [
                        "2023-12-29T12:00:00Z", "2024-02-29T12:00:00Z", "2024-04-29T12:00:00Z",
                    ])
        // Every 12th month from February 2023: only leap-year Februaries have a 29th.
        assertNext(try recurrence("month", every: 12, hours: [0], minutes: [0], monthDays: [29]), anchor: "2023-02-01T00:00:00Z",
                   [("2023-02-01T00:00:00Z", "2024-02-29T00:00:00Z"), ("2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z")])
        // Every 12th month from April: never a 31st.
        assertNext(try recurrence("month", every: 12, hours: [0], minutes: [0], monthDays: [31]), anchor: "2023-04-01T00:00:00Z",
                   [("2023-04-01T00:00:00Z", nil)])
    }

    func testMonthRecurrenceOnWeekDays() throws {
        assertFires(try recurrence("month", every: 1, hours: [9], minutes: [0], weekDays: ["monday"]),
                    anchor: "2024-07-01T00:00:00Z", after: "2024-06-01T00:00:00Z", through: "2024-08-06T00:00:00Z", [
                        "2024-07-01T09:00:00Z", "2024-07-08T09:00:00Z", "2024-07-15T09:00:00Z",
                        "2024-07-22T09:00:00Z", "2024-07-29T09:00:00Z", "2024-08-05T09:00:00Z",
                    ])
    }

    func testRecurrenceRespectsStartAndEnd() throws {
        let calendar = try recurrence("day", hours: [9], minutes: [0], zone: "Tokyo Standard Time",
                                      start: "2024-01-01T09:00:00", end: "2024-01-03T09:00:00")
        let anchor = try XCTUnwrap(calendar.startTime)
        XCTAssertEqual(calendar.fires(after: .distantPast, through: .distantFuture, anchor: anchor, limit: 10).map(utc),
                       ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"])
    }

    // MARK: - fires(after:through:)

    func testFiresRespectsTheLimitAndTheHalfOpenInterval() throws {
        let calendar = try cron("* * * * *")
        assertFires(calendar, after: "2024-01-01T00:00:00Z", through: "2024-01-01T23:59:00Z", limit: 5, [
            "2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", "2024-01-01T00:03:00Z", "2024-01-01T00:04:00Z", "2024-01-01T00:05:00Z",
        ])
        assertFires(calendar, after: "2024-01-01T00:00:00Z", through: "2024-01-01T00:02:00Z", limit: 0, [])
        assertFires(calendar, after: "2024-01-01T00:00:00Z", through: "2024-01-01T00:02:00Z", [
            "2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z",
        ])
        assertFires(calendar, after: "2024-01-01T00:00:00Z", through: "2024-01-01T00:00:00Z", [])
    }

    // MARK: - Time zones

    func testWindowsAndIANAZoneNames() throws {
        // Offsets on 2024-01-15 (southern summer for Sydney).
        let cases: [(name: String, offsetMinutes: Int)] = [
            ("UTC", 0), ("Pacific Standard Time", -480), ("W. Europe Standard Time", 60), ("China Standard Time", 480),
            ("India Standard Time", 330), ("Tokyo Standard Time", 540), ("Eastern Standard Time", -300),
            ("Central Europe Standard Time", 60), ("GMT Standard Time", 0), ("AUS Eastern Standard Time", 660),
            ("Nepal Standard Time", 345), ("pacific standard time", -480), ("Europe/Berlin", 60),
            ("America/New_York", -300), ("Asia/Kolkata", 330),
        ]
        let instant = at("2024-01-15T12:00:00Z")
        for (name, offsetMinutes) in cases {
            let calendar = try cron("0 0 * * *", zone: name)
            XCTAssertEqual(calendar.timeZone.secondsFromGMT(for: instant), offsetMinutes * 60, name)
        }
        // 09:00 in Shanghai is 01:00 UTC.
        assertNext(try cron("0 9 * * *", zone: "China Standard Time"), [("2024-01-15T00:00:00Z", "2024-01-15T01:00:00Z")])
    }

    func testEveryWindowsZoneInTheTableResolves() {
        XCTAssertGreaterThanOrEqual(WindowsTimeZones.ianaByWindowsName.count, 40)
        for (windows, iana) in WindowsTimeZones.ianaByWindowsName {
            XCTAssertNotNil(WindowsTimeZones.timeZone(named: windows), "\(windows) -> \(iana)")
        }
    }

    func testUnknownZoneIsAnError() {
        let message = "unknown time zone '%@'; use a Windows name such as 'Pacific Standard Time' or an IANA name such as 'Europe/Berlin'"
        for name in ["Mars Standard Time", "Europe/Atlantis", "PST", ""] {
            assertError(.cron(expression: "0 0 * * *", timeZone: name, startTime: nil, endTime: nil),
                        field: "trigger.time_zone", message: message.replacingOccurrences(of: "%@", with: name))
        }
    }

    // MARK: - Errors

    func testCronErrorsNameTheFieldAndWhatIsWrong() {
        let cases: [(expression: String, message: String)] = [
            ("0 25 * * *", "field 2 (hour) '25' is out of range 0-23"),
            ("60 * * * *", "field 1 (minute) '60' is out of range 0-59"),
            ("0 * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4 in '0 * * *'"),
            ("0 0 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6 in '0 0 * * * *'"),
            ("*/0 * * * *", "field 1 (minute) '*/0' has step 0; a step must be at least 1"),
            ("*/x * * * *", "field 1 (minute) '*/x' has step 'x', which is not a number"),
            ("0 0 5-1 * *", "field 3 (day-of-month) range '5-1' runs backwards"),
            ("0 0 0 * *", "field 3 (day-of-month) '0' is out of range 1-31"),
            ("0 0 * FOO *", "field 4 (month) 'FOO' is not a number 1-12 or a name JAN-DEC"),
            ("0 0 * 13 *", "field 4 (month) '13' is out of range 1-12"),
            ("0 0 * * 8", "field 5 (day-of-week) '8' is out of range 0-7"),
            ("0 0 * * funday", "field 5 (day-of-week) 'funday' is not a number 0-7 or a name SUN-SAT"),
            ("x * * * *", "field 1 (minute) 'x' is not a number 0-59"),
            ("1,,2 * * * *", "field 1 (minute) '1,,2' has an empty list item"),
            ("1-2-3 * * * *", "field 1 (minute) '1-2-3' is not a value, a range a-b or a step"),
            ("0 0 30 2 *", "field 3 (day-of-month) '30' never occurs in field 4 (month) '2', so the schedule would never fire"),
            ("0 0 31 4,jun *", "field 3 (day-of-month) '31' never occurs in field 4 (month) '4,jun', so the schedule would never fire"),
        ]
        for (expression, message) in cases {
            assertError(.cron(expression: expression, timeZone: "UTC", startTime: nil, endTime: nil),
                        field: "trigger.expression", message: message)
        }
        // With week days restricted too, either day field suffices, so Mondays still fire.
        XCTAssertNoThrow(try cron("0 0 30 2 mon"))
    }

    func testErrorDescriptionIsFieldThenMessage() {
        XCTAssertEqual(TriggerError(field: "trigger.expression", message: "field 2 (hour) '25' is out of range 0-23").description,
                       "trigger.expression: field 2 (hour) '25' is out of range 0-23")
        XCTAssertThrowsError(try cron("0 25 * * *")) { error in
            XCTAssertEqual("\(error)", "trigger.expression: field 2 (hour) '25' is out of range 0-23")
        }
    }

    func testRecurrenceErrorsNameTheFieldAndWhatIsWrong() {
        func trigger(
            _ frequency: String = "day", interval: Int = 1, hours: [Int] = [], minutes: [Int] = [], weekDays: [String] = [],
            monthDays: [Int] = []
        ) -> ScheduleTrigger {
            .recurrence(frequency: frequency, interval: interval, hours: hours, minutes: minutes, weekDays: weekDays,
                        monthDays: monthDays, timeZone: "UTC", startTime: nil, endTime: nil)
        }
        let cases: [(ScheduleTrigger, field: String, message: String)] = [
            (trigger("fortnight"), "trigger.frequency", "'fortnight' is not a frequency; expected one of minute, hour, day, week, month"),
            (trigger(interval: 0), "trigger.interval", "must be at least 1, found 0"),
            (trigger("minute", interval: -3), "trigger.interval", "must be at least 1, found -3"),
            (trigger(hours: [4, 24]), "trigger.schedule.hours", "24 is out of range 0-23"),
            (trigger(minutes: [60]), "trigger.schedule.minutes", "60 is out of range 0-59"),
            (trigger("week", weekDays: ["monday", "funday"]), "trigger.schedule.week_days",
             "'funday' is not a week day; expected one of monday, tuesday, wednesday, thursday, friday, saturday, sunday"),
            (trigger("month", monthDays: [32]), "trigger.schedule.month_days", "32 is out of range 1-31"),
            (trigger("month", monthDays: [0]), "trigger.schedule.month_days", "0 is out of range 1-31"),
            (trigger("day", weekDays: ["monday"]), "trigger.schedule.week_days", "applies only to frequency week or month, not day"),
            (trigger("week", monthDays: [1]), "trigger.schedule.month_days", "applies only to frequency month, not week"),
            (trigger("hour", minutes: [0]), "trigger.schedule.minutes", "applies only to frequency day, week or month, not hour"),
        ]
        for (trigger, field, message) in cases {
            assertError(trigger, field: field, message: message)
        }
        XCTAssertNoThrow(try recurrence("Week", weekDays: ["Friday"]))
    }

    func testBadStartAndEndTimesAreErrors() {
        for (start, end, field, message) in [
            ("2022-13-01T00:00:00", nil, "trigger.start_time", "'2022-13-01T00:00:00' is not an ISO 8601 date-time such as 2022-07-10T10:00:00"),
            ("2022-02-30T00:00:00", nil, "trigger.start_time", "'2022-02-30T00:00:00' is not an ISO 8601 date-time such as 2022-07-10T10:00:00"),
            ("yesterday", nil, "trigger.start_time", "'yesterday' is not an ISO 8601 date-time such as 2022-07-10T10:00:00"),
            ("2022-07-10T25:00:00", nil, "trigger.start_time", "'2022-07-10T25:00:00' is not an ISO 8601 date-time such as 2022-07-10T10:00:00"),
            ("2022-07-10T10:00:00+", nil, "trigger.start_time", "'2022-07-10T10:00:00+' is not an ISO 8601 date-time such as 2022-07-10T10:00:00"),
            (nil, "2022-07-10T10:00", "trigger.end_time", nil),
            ("2022-07-10T10:00:00", "2022-07-10T09:59:59", "trigger.end_time", "'2022-07-10T09:59:59' is before start_time '2022-07-10T10:00:00'"),
            (nil, "2022-07-10T10:00:00 junk", "trigger.end_time", "'2022-07-10T10:00:00 junk' is not an ISO 8601 date-time such as 2022-07-10T10:00:00"),
        ] as [(String?, String?, String, String?)] {
            let trigger = ScheduleTrigger.cron(expression: "0 0 * * *", timeZone: "UTC", startTime: start, endTime: end)
            if let message {
                assertError(trigger, field: field, message: message)
            } else {
                XCTAssertNoThrow(try TriggerCalendar(trigger), "\(start ?? "-") \(end ?? "-")")
            }
        }
    }
}
