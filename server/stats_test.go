package server

// statsFixtures adds the records the access matrix needs to f.
func (e *testEnv) statsFixtures(f *fixtures) {}

// statsMatrixCases are the access-matrix rows of these routes.
func statsMatrixCases() []matrixCase { return nil }
