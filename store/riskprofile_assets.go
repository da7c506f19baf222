package store

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/anbao/anbao"
)

// AssetKind is what an asset is.
type AssetKind string

const (
	AssetDomain       AssetKind = "domain"        // a DNS name, stored as its A-label form
	AssetIP           AssetKind = "ip"            // one IPv4 or IPv6 address
	AssetCIDR         AssetKind = "cidr"          // an address range
	AssetCloudAccount AssetKind = "cloud_account" // provider:account id
	AssetSoftware     AssetKind = "software"      // a CPE 2.3 name with its version
)

// AssetKinds lists the kinds in display order.
var AssetKinds = []AssetKind{AssetDomain, AssetIP, AssetCIDR, AssetCloudAccount, AssetSoftware}

// Asset is one item of an enterprise's inventory. (Kind, Value) is unique per enterprise.
type Asset struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"enterprise_id"`
	Kind         AssetKind `json:"kind"`
	Value        string    `json:"value"`
	// SoftwareVersion, EOL: software only (the version also stands in Value's CPE name).
	SoftwareVersion string `json:"software_version"`
	EOL             bool   `json:"eol"` // end of life: the vendor no longer ships fixes
	InternetFacing  bool   `json:"internet_facing"`
	Note            string `json:"note"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
	Version         int    `json:"version"` // row version (optimistic concurrency)
}

// AssetInput is what a caller gives to create or replace an asset.
type AssetInput struct {
	Kind            AssetKind `json:"kind"`
	Value           string    `json:"value"`
	SoftwareVersion string    `json:"software_version,omitempty"`
	EOL             bool      `json:"eol,omitempty"`
	InternetFacing  bool      `json:"internet_facing,omitempty"`
	Note            string    `json:"note,omitempty"`
	// Version must equal the stored version when replacing; 0 skips the check.
	Version int `json:"version,omitempty"`
}

// AssetFilter selects an enterprise's assets.
type AssetFilter struct {
	Kind           AssetKind
	InternetFacing *bool
	Query          string // part of the value or the note
	anbao.Page
}

// NormalizeAsset checks an asset and puts its value in stored form.
func NormalizeAsset(in *AssetInput) error {
	in.Kind = AssetKind(strings.TrimSpace(string(in.Kind)))
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 500 {
		return anbao.FieldError("note", "rp.too_long", 500)
	}
	if in.Kind != AssetSoftware {
		if strings.TrimSpace(in.SoftwareVersion) != "" {
			return anbao.FieldError("software_version", "rp.asset.software_only")
		}
		if in.EOL {
			return anbao.FieldError("eol", "rp.asset.eol_software_only")
		}
		in.SoftwareVersion = ""
	}
	if strings.TrimSpace(in.Value) == "" {
		if in.Kind == "" {
			return anbao.FieldError("kind", "rp.asset.kind_invalid", in.Kind)
		}
		return anbao.FieldError("value", "rp.asset.value_required")
	}
	if len(in.Value) > 1000 {
		return anbao.FieldError("value", "rp.too_long", 1000)
	}
	var err error
	switch in.Kind {
	case AssetDomain:
		in.Value, err = NormalizeDomain(in.Value)
	case AssetIP:
		in.Value, err = normalizeIP(in.Value)
	case AssetCIDR:
		in.Value, err = normalizeCIDR(in.Value)
	case AssetCloudAccount:
		in.Value, err = normalizeCloudAccount(in.Value)
	case AssetSoftware:
		in.Value, in.SoftwareVersion, err = normalizeSoftware(in.Value, in.SoftwareVersion)
	default:
		return anbao.FieldError("kind", "rp.asset.kind_invalid", in.Kind)
	}
	return err
}

// hostAddr refuses addresses that cannot be an enterprise's asset.
func hostAddr(a netip.Addr, raw string) error {
	switch {
	case a.IsUnspecified(), a.IsLoopback(), a.IsMulticast(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return anbao.FieldError("value", "rp.ip.not_host", raw)
	}
	return nil
}

func normalizeIP(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", anbao.FieldError("value", "rp.ip.invalid", s)
	}
	a = a.Unmap() // ::ffff:192.0.2.1 is 192.0.2.1
	if err := hostAddr(a, s); err != nil {
		return "", err
	}
	return a.String(), nil
}

// Broader ranges than these are not one organisation's.
const (
	minPrefixV4 = 8
	minPrefixV6 = 16
)

func normalizeCIDR(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return "", anbao.FieldError("value", "rp.cidr.invalid", s)
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		if !p.IsValid() {
			return "", anbao.FieldError("value", "rp.cidr.invalid", s)
		}
	}
	if m := p.Masked(); m != p {
		return "", anbao.FieldError("value", "rp.cidr.host_bits", s, m.String())
	}
	min := minPrefixV4
	if p.Addr().Is6() {
		min = minPrefixV6
	}
	if p.Bits() < min {
		return "", anbao.FieldError("value", "rp.cidr.too_broad", s, min)
	}
	if err := hostAddr(p.Addr(), s); err != nil {
		return "", err
	}
	return p.String(), nil
}

// CloudProvider is a provider whose account ids Anbao knows.
type CloudProvider struct {
	Code string
	// ID matches a valid account id; nil accepts any plain id.
	ID *regexp.Regexp
	// Fold: the provider's ids ignore case, so they are stored in lower case.
	Fold bool
}

var plainAccountRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// CloudProviders lists the providers in display order: the main Chinese public
// clouds first, then the international ones, then "other".
var CloudProviders = []CloudProvider{
	{Code: "aliyun", ID: regexp.MustCompile(`^[0-9]{16}$`)},         // 阿里云 account UID
	{Code: "tencentcloud", ID: regexp.MustCompile(`^[0-9]{5,13}$`)}, // 腾讯云 account ID (UIN)
	{Code: "huaweicloud"}, // 华为云
	{Code: "baiducloud"},  // 百度智能云
	{Code: "volcengine"},  // 火山引擎
	{Code: "ctyun"},       // 天翼云
	{Code: "ecloud"},      // 移动云
	{Code: "unicomcloud"}, // 联通云
	{Code: "jdcloud"},     // 京东云
	{Code: "ksyun"},       // 金山云
	{Code: "aws", ID: regexp.MustCompile(`^[0-9]{12}$`)},
	{Code: "azure", ID: regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`), Fold: true}, // subscription id
	{Code: "gcp", ID: regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`), Fold: true},                                   // project id
	{Code: "other"},
}

// cloudAliases maps names people type to provider codes.
var cloudAliases = map[string]string{
	"阿里云": "aliyun", "alibaba": "aliyun", "alibabacloud": "aliyun", "alicloud": "aliyun",
	"腾讯云": "tencentcloud", "tencent": "tencentcloud", "qcloud": "tencentcloud",
	"华为云": "huaweicloud", "huawei": "huaweicloud", "百度智能云": "baiducloud", "百度云": "baiducloud",
	"火山引擎": "volcengine", "天翼云": "ctyun", "移动云": "ecloud", "联通云": "unicomcloud", "京东云": "jdcloud",
	"金山云": "ksyun", "amazon": "aws", "microsoft": "azure", "google": "gcp", "其他": "other",
}

// normalizeCloudAccount reads "provider:account id".
func normalizeCloudAccount(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	prov, id, ok := strings.Cut(strings.Replace(s, "：", ":", 1), ":")
	prov, id = strings.ToLower(strings.TrimSpace(prov)), strings.TrimSpace(id)
	if !ok || prov == "" || id == "" {
		return "", anbao.FieldError("value", "rp.cloud.format", s)
	}
	if code, ok := cloudAliases[prov]; ok {
		prov = code
	}
	for _, p := range CloudProviders {
		if p.Code != prov {
			continue
		}
		if p.Fold {
			id = strings.ToLower(id)
		}
		re := p.ID
		if re == nil {
			re = plainAccountRE
		}
		if !re.MatchString(id) {
			return "", anbao.FieldError("value", "rp.cloud.account_invalid", prov, id)
		}
		return prov + ":" + id, nil
	}
	return "", anbao.FieldError("value", "rp.cloud.provider_unknown", prov)
}

const assetColumns = `id, enterprise_id, kind, value, software_version, eol, internet_facing, note, created_at, updated_at, version`

func scanAsset(sc interface{ Scan(...any) error }) (*Asset, error) {
	a := &Asset{}
	err := sc.Scan(&a.ID, &a.EnterpriseID, &a.Kind, &a.Value, &a.SoftwareVersion, &a.EOL, &a.InternetFacing,
		&a.Note, &a.CreatedAt, &a.UpdatedAt, &a.Version)
	return a, err
}

// ListAssets lists an enterprise's assets by kind and value.
func (s *Store) ListAssets(ctx context.Context, enterpriseID int64, f AssetFilter) (*ItemList[*Asset], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := s.readableEnterprise(ctx, p, enterpriseID); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	w.add("enterprise_id = ?", enterpriseID)
	if f.Kind != "" {
		if !validAssetKind(f.Kind) {
			return nil, anbao.FieldError("kind", "rp.asset.kind_invalid", f.Kind)
		}
		w.add("kind = ?", f.Kind)
	}
	if f.InternetFacing != nil {
		w.add("internet_facing = ?", *f.InternetFacing)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if utf8.RuneCountInString(q) > 100 {
			return nil, anbao.FieldError("q", "rp.too_long", 100)
		}
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		w.add(`(lower(value) LIKE ? ESCAPE '\' OR lower(note) LIKE ? ESCAPE '\')`, like, like)
	}
	list := &ItemList[*Asset]{Items: []*Asset{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM assets"+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+assetColumns+" FROM assets"+w.String()+
		" ORDER BY kind, value LIMIT "+w.next(f.Limit)+" OFFSET "+w.next(f.Offset), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, a)
	}
	return list, rows.Err()
}

func validAssetKind(k AssetKind) bool {
	for _, x := range AssetKinds {
		if x == k {
			return true
		}
	}
	return false
}

// GetAsset returns one asset of an enterprise.
func (s *Store) GetAsset(ctx context.Context, enterpriseID, id int64) (*Asset, error) {
	if err := s.readableEnterprise(ctx, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	return getAsset(ctx, s.read, enterpriseID, id, "")
}

func getAsset(ctx context.Context, db queryer, enterpriseID, id int64, lock string) (*Asset, error) {
	a, err := scanAsset(db.QueryRowContext(ctx, "SELECT "+assetColumns+
		" FROM assets WHERE id = $1 AND enterprise_id = $2"+lock, id, enterpriseID))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("asset")
	}
	return a, err
}

// CreateAsset adds an asset to the own enterprise's inventory.
func (s *Store) CreateAsset(ctx context.Context, enterpriseID int64, in AssetInput) (*Asset, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := NormalizeAsset(&in); err != nil {
		return nil, err
	}
	var out *Asset
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		if n, err := t.countOf("assets", enterpriseID); err != nil {
			return err
		} else if n >= MaxAssets {
			return anbao.Errorf(anbao.ECONFLICT, "rp.limit", MaxAssets)
		}
		a, err := t.insertAsset(enterpriseID, &in)
		out = a
		return err
	})
	return out, err
}

func (t *tx) insertAsset(enterpriseID int64, in *AssetInput) (*Asset, error) {
	now := t.s.now()
	a := &Asset{EnterpriseID: enterpriseID, Kind: in.Kind, Value: in.Value, SoftwareVersion: in.SoftwareVersion,
		EOL: in.EOL, InternetFacing: in.InternetFacing, Note: in.Note, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := t.QueryRowContext(t.ctx, `INSERT INTO assets (enterprise_id, kind, value, software_version, eol,
		internet_facing, note, created_at, updated_at, version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,1) RETURNING id`,
		enterpriseID, a.Kind, a.Value, a.SoftwareVersion, a.EOL, a.InternetFacing, a.Note, now, now).Scan(&a.ID)
	if isUniqueViolation(err) {
		return nil, &anbao.Error{Code: anbao.ECONFLICT, Key: "rp.asset.exists", Args: []any{a.Kind, a.Value}, Field: "value"}
	}
	if err != nil {
		return nil, err
	}
	return a, t.audit(auditChange{"asset.create", "asset", a.ID, enterpriseID, nil, a})
}

// UpdateAsset replaces an asset's fields.
func (s *Store) UpdateAsset(ctx context.Context, enterpriseID, id int64, in AssetInput) (*Asset, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := NormalizeAsset(&in); err != nil {
		return nil, err
	}
	var out *Asset
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		a, err := getAsset(ctx, t, enterpriseID, id, t.forUpdate())
		if err != nil {
			return err
		}
		if err := checkVersion(in.Version, a.Version); err != nil {
			return err
		}
		out, err = t.updateAsset(a, &in)
		return err
	})
	return out, err
}

// updateAsset writes the new fields of a (locked) asset and audits the change;
// an unchanged asset keeps its version.
func (t *tx) updateAsset(a *Asset, in *AssetInput) (*Asset, error) {
	before := *a
	if sameAsset(a, in) {
		return a, nil
	}
	if _, err := t.writeAsset(a, in); err != nil {
		return nil, err
	}
	return a, t.audit(auditChange{"asset.update", "asset", a.ID, a.EnterpriseID, before, a})
}

// writeAsset writes the new fields of a (locked) asset, without an audit entry.
func (t *tx) writeAsset(a *Asset, in *AssetInput) (*Asset, error) {
	a.Kind, a.Value, a.SoftwareVersion, a.EOL = in.Kind, in.Value, in.SoftwareVersion, in.EOL
	a.InternetFacing, a.Note = in.InternetFacing, in.Note
	a.UpdatedAt, a.Version = t.s.now(), a.Version+1
	_, err := t.ExecContext(t.ctx, `UPDATE assets SET kind = $1, value = $2, software_version = $3, eol = $4,
		internet_facing = $5, note = $6, updated_at = $7, version = $8 WHERE id = $9`,
		a.Kind, a.Value, a.SoftwareVersion, a.EOL, a.InternetFacing, a.Note, a.UpdatedAt, a.Version, a.ID)
	if isUniqueViolation(err) {
		return nil, &anbao.Error{Code: anbao.ECONFLICT, Key: "rp.asset.exists", Args: []any{a.Kind, a.Value}, Field: "value"}
	}
	return a, err
}

// DeleteAsset removes an asset; its last state stays in the audit log.
func (s *Store) DeleteAsset(ctx context.Context, enterpriseID, id int64, version int) error {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		a, err := getAsset(ctx, t, enterpriseID, id, t.forUpdate())
		if err != nil {
			return err
		}
		if err := checkVersion(version, a.Version); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM assets WHERE id = $1", a.ID); err != nil {
			return err
		}
		return t.audit(auditChange{"asset.delete", "asset", a.ID, enterpriseID, a, nil})
	})
}
