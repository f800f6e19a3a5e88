//! Challenge 3: message relay — callback and errback chains as Result pipelines over futures (work in progress).
