package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/smtp"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/config"
)

// Alert is one message to people.
type Alert struct {
	// Subject is a one-line summary, Text the whole message.
	Subject string
	Text    string
}

// Notifier delivers alerts.
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
	// Name says where alerts go, for logs ("webhook", "email").
	Name() string
}

// notifiers builds the configured notifiers.
func notifiers(cfg config.Alerts) []Notifier {
	var ns []Notifier
	if cfg.Webhook != nil {
		ns = append(ns, &Webhook{URL: cfg.Webhook.URL, Client: &http.Client{Timeout: 15 * time.Second}})
	}
	if cfg.Email != nil {
		ns = append(ns, &Email{Config: *cfg.Email})
	}
	return ns
}

// Webhook posts {"text": Subject + Text} as JSON: the shape Slack and
// Microsoft Teams incoming webhooks accept.
type Webhook struct {
	URL    string
	Client *http.Client
}

// Name implements Notifier.
func (*Webhook) Name() string { return "webhook" }

// Notify implements Notifier; an answer other than 2xx is an error (the
// URL is not in it: it is a secret).
func (w *Webhook) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal(map[string]string{"text": a.Subject + "\n" + a.Text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: bad url")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: request failed")
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: answered %s", resp.Status)
	}
	return nil
}

// Email sends alerts through an SMTP server (STARTTLS when it offers it;
// PLAIN authentication when a user is set).
type Email struct {
	Config config.EmailAlert
}

// Name implements Notifier.
func (*Email) Name() string { return "email" }

// Notify implements Notifier.
func (m *Email) Notify(ctx context.Context, a Alert) error {
	c := m.Config
	var auth smtp.Auth
	if c.Username != "" {
		host, _, _ := net.SplitHostPort(c.SMTP)
		auth = smtp.PlainAuth("", c.Username, c.Password, host)
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		c.From, strings.Join(c.To, ", "), headerSafe(a.Subject), time.Now().Format(time.RFC1123Z))
	msg.WriteString(strings.ReplaceAll(a.Text, "\n", "\r\n"))
	msg.WriteString("\r\n")
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(c.SMTP, auth, c.From, c.To, []byte(msg.String())) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("email via %s: %w", c.SMTP, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("email via %s: %w", c.SMTP, ctx.Err())
	}
}

// headerSafe keeps a subject on one line.
func headerSafe(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
