package server

import "context"

// Exports of dashboard tables (XLSX, CSV) and the monthly bulletin (PDF).

func (s *Server) registerExportAPI() {}

func (s *Server) registerExportUI() error { return nil }

// generateBulletins produces the scheduled bulletins that are due.
func (s *Server) generateBulletins(ctx context.Context) {}
