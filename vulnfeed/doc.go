// Package vulnfeed reads the open vulnerability feeds that Anbao imports
// offline, and checks vulnerability ids:
//
//   - ReadKEV reads CISA's Known Exploited Vulnerabilities catalogue (JSON,
//     CC0; schema in cisagov/kev-data) into memory: it is small (about 1,500
//     entries).
//   - ReadEPSS streams FIRST's daily EPSS scores (CSV, about 300,000 rows,
//     usually gzipped) row by row to a callback.
//   - ValidCVE, ValidCNVD and ValidCNNVD check the ids a finding may carry.
//   - GenerateKEV and GenerateEPSS write synthetic feeds of any size, with
//     ids in the year 2099, for tests, demos and benchmarks.
//
// Both readers take plain or gzipped input (told apart by the gzip magic
// bytes), skip a UTF-8 byte-order mark, cap the decompressed size, and
// reject a malformed file as a whole with an *Error that names the place:
// the entry index, field and byte offset for KEV, the line and column for
// EPSS. The package does no I/O of its own beyond the io.Reader it is given
// and imports nothing of Anbao.
package vulnfeed
