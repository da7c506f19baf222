package store

// DecodeStoredValueForTest exposes decodeStoredValue to the external tests.
var DecodeStoredValueForTest = decodeStoredValue

// SuppressComplementForTest exposes suppressComplement to the external tests.
var SuppressComplementForTest = suppressComplement

// HistogramForTest exposes histogram to the external tests.
var HistogramForTest = histogram
