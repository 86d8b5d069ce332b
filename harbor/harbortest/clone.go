package harbortest

// clone copies everything a server may change. Vulnerability lists are shared:
// the server replaces them wholesale and never edits one in place, which
// keeps seeding a large generated dataset cheap.
func (d *Dataset) clone() *Dataset {
	c := &Dataset{ReferenceTime: d.ReferenceTime}
	for _, u := range d.Users {
		cu := *u
		c.Users = append(c.Users, &cu)
	}
	for _, r := range d.Robots {
		cr := *r
		cr.Permissions = append([]RobotPermission(nil), r.Permissions...)
		c.Robots = append(c.Robots, &cr)
	}
	for _, l := range d.Labels {
		cl := *l
		c.Labels = append(c.Labels, &cl)
	}
	if d.Scanner != nil {
		s := *d.Scanner
		c.Scanner = &s
	}
	for _, p := range d.Projects {
		cp := *p
		cp.Metadata = map[string]string{}
		for k, v := range p.Metadata {
			cp.Metadata[k] = v
		}
		cp.Members = append([]Member(nil), p.Members...)
		cp.Repositories = nil
		for _, r := range p.Repositories {
			cr := *r
			cr.Artifacts = nil
			for _, a := range r.Artifacts {
				cr.Artifacts = append(cr.Artifacts, a.clone())
			}
			cp.Repositories = append(cp.Repositories, &cr)
		}
		cp.Webhooks = nil
		for _, w := range p.Webhooks {
			cw := *w
			cw.Targets = append([]WebhookTarget(nil), w.Targets...)
			cw.EventTypes = append([]string(nil), w.EventTypes...)
			cp.Webhooks = append(cp.Webhooks, &cw)
		}
		c.Projects = append(c.Projects, &cp)
	}
	return c
}

func (a *Artifact) clone() *Artifact {
	ca := *a
	ca.Tags = nil
	for _, t := range a.Tags {
		ct := *t
		ca.Tags = append(ca.Tags, &ct)
	}
	ca.Labels = append([]int64(nil), a.Labels...)
	ca.References = nil
	for _, r := range a.References {
		cr := *r
		ca.References = append(ca.References, &cr)
	}
	if a.Scan != nil {
		s := *a.Scan
		ca.Scan = &s
	}
	return &ca
}
