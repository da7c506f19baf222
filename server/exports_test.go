package server

// exportFixtures adds the records the access matrix needs to f.
func (e *testEnv) exportFixtures(f *fixtures) {}

// exportMatrixCases are the access-matrix rows of these routes.
func exportMatrixCases() []matrixCase { return nil }
