// The demo knowledge bases. The bot answers from these; the bot's evaluation set
// (tests/bot/eval-set.ts) asks questions about them.
export interface DemoArticle {
  title: string;
  body: string;
  tags: string[];
  published?: boolean;
}

export const DEMO_ARTICLES: Record<string, DemoArticle[]> = {
  "acme-insurance": [
    {
      title: "How to file a claim",
      tags: ["claims"],
      body: "You can file a claim online in your Acme account under Claims > New claim, or by phone on 0800 123 456, 24 hours a day. Have your policy number, the date of the incident, photos of the damage and any receipts ready. You get a claim reference by email within one hour.",
    },
    {
      title: "How long does a claim take?",
      tags: ["claims"],
      body: "Most home claims are decided within 10 working days after we receive all documents. Claims that need a loss adjuster visit take up to 30 days. You can follow the status of your claim in your account under Claims.",
    },
    {
      title: "Changing your address or personal details",
      tags: ["policy", "account"],
      body: "To change your address, phone number or email, go to My account > Personal details. An address change can change your premium; we show the new price before you confirm. Name changes need a copy of the marriage certificate or deed poll.",
    },
    {
      title: "Why did my premium change at renewal?",
      tags: ["billing", "renewal"],
      body: "Premiums are recalculated each year from claims costs in your area, rebuilding costs, your claims history and any changes to your cover. Your renewal letter lists the reasons. You can call us to review your cover and excess options before the renewal date.",
    },
    {
      title: "Paying your premium and payment methods",
      tags: ["billing", "payments"],
      body: "You can pay your premium annually by card, or monthly by direct debit. Monthly payments are collected on the date you chose when you bought the policy. To change your bank details, go to My account > Payments.",
    },
    {
      title: "Cancelling your policy",
      tags: ["policy", "cancellation"],
      body: "You can cancel within 14 days of the start or renewal date for a full refund if you have not made a claim. After 14 days we refund the unused part of an annual premium minus a 25 GBP cancellation fee. Call us or use My account > Cancel policy.",
    },
    {
      title: "Emergency help for burst pipes and leaks",
      tags: ["emergency", "claims"],
      body: "If water is leaking, turn off the water at the stopcock and switch off electricity near the leak. Home Emergency cover customers can call 0800 123 999 at any time for a plumber. Take photos of the damage before cleaning up, then file a claim.",
    },
    {
      title: "Travel insurance add-on",
      tags: ["travel", "cover"],
      body: "Annual travel cover can be added to any home policy. It covers medical costs abroad up to 10 million GBP, cancellation up to 5,000 GBP and lost luggage up to 1,500 GBP. Add it in My account > Add cover.",
    },
    {
      title: "Internal: fraud referral procedure",
      tags: ["internal"],
      published: false,
      body: "Internal only. Suspected fraud is referred to the special investigations unit with form SIU-3.",
    },
  ],
  "globex-telecom": [
    {
      title: "Internet is down: what to check first",
      tags: ["internet", "troubleshooting"],
      body: "Restart your router by unplugging it for 30 seconds. Check that the fibre cable and the power light are on. Check the service status page at globex.example/status for outages in your area. If the light marked LOS is red, the fibre line is interrupted and a technician visit is needed.",
    },
    {
      title: "Roaming and the travel pass",
      tags: ["roaming", "billing"],
      body: "The travel pass costs 10 USD per day and gives your normal allowance in 80 countries, including Canada and Mexico. It must be activated before you use data abroad, by texting PASS to 611 or in the Globex app. Usage before activation is charged at standard roaming rates.",
    },
    {
      title: "Keeping your number when you switch (porting)",
      tags: ["number", "porting"],
      body: "To keep your number when you join Globex, ask your old provider for your account number and port-out PIN, then enter them when you order. Porting takes 1 to 2 business days. Do not cancel your old service before the port completes.",
    },
    {
      title: "Understanding your bill",
      tags: ["billing"],
      body: "Your bill shows your plan charge for the coming month, usage charges from the last month, taxes and fees. The first bill after a plan change can include partial charges for both plans. Bills are issued on the 1st and due on the 21st of each month.",
    },
    {
      title: "Changing your plan",
      tags: ["plans"],
      body: "You can upgrade your plan at any time in the Globex app and it takes effect immediately. Downgrades take effect at the start of the next bill cycle. There is no fee to change plans.",
    },
    {
      title: "Setting up voicemail",
      tags: ["voicemail", "phone"],
      body: "Dial 123 from your phone and follow the prompts to set a PIN and record a greeting. To reset a forgotten voicemail PIN, use the Globex app under Settings > Voicemail.",
    },
    {
      title: "Late payments and reconnection",
      tags: ["billing", "payments"],
      body: "If a bill is unpaid 10 days after the due date we send a reminder; after 30 days service may be suspended. A late fee of 5 USD applies. Service is reconnected within 2 hours after full payment.",
    },
    {
      title: "Moving home with Globex internet",
      tags: ["internet", "moving"],
      body: "Tell us your new address at least 2 weeks before you move, in the app under Services > Move. We check availability at the new address and book the installation. Moving is free once every 12 months.",
    },
  ],
};
