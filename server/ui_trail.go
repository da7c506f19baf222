package server

import "strings"

// The rating engine writes each trail step's input once, in a neutral
// notation of numbers, symbols and a few English words (rating/engine.go);
// the Chinese pages translate those words.
var trailInputZH = strings.NewReplacer(
	" → class ", " → 风险等级 ",
	" → band ", " → 收入档 ",
	"(default)", "（默认）",
	"ungraded factor", "未评级系数",
	"ungraded", "未评级",
	"present", "已具备",
	"absent", "未具备",
	"claims: ", "出险次数：",
	"Π controls", "控制系数连乘",
	"(floor;", "（下限；",
	"(cap;", "（上限；",
	"= technical ", "= 技术保费 ",
	"EL ", "预期损失 ",
	" days", " 天",
	" months", " 个月",
	"segment ", "第 ",
)

// TrailInput returns a rating step's input in the page's language.
func (p *uiPage) TrailInput(s string) string {
	if s == "" {
		return "—"
	}
	if p.Lang == "en" {
		return s
	}
	return trailInputZH.Replace(s)
}
