//! `cargo test -p c13-reliable-udp` runs the grader's checks for this challenge against your code and
//! prints what passes, what does not and why. You do not need to edit this file.

#[test]
fn checks() {
    checks_c13::suite().grade_as_test("checks");
}
