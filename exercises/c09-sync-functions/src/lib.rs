//! Challenge 9: synchronous functions — succeed and deferToThread as ready futures and spawn_blocking (work in progress).
