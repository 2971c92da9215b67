/** What the Stripe webhook answers (stripeWebhook.ts, and its dispute events: disputeWebhook.ts). */

/** The answer to send: status and JSON body. */
export interface StripeWebhookReply {
  status: number;
  body: { received: boolean; outcome?: string; error?: string };
}
