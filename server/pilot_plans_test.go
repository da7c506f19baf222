package server

// pilotPlanFixtures adds the records the access matrix needs to f.
func (e *testEnv) pilotPlanFixtures(f *fixtures) {}

// pilotPlanMatrixCases are the access-matrix rows of these routes.
func pilotPlanMatrixCases() []matrixCase { return nil }
