package server

// pilotProjectFixtures adds the records the access matrix needs to f.
func (e *testEnv) pilotProjectFixtures(f *fixtures) {}

// pilotProjectMatrixCases are the access-matrix rows of these routes.
func pilotProjectMatrixCases() []matrixCase { return nil }
