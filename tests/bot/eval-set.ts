// Questions customers ask the demo tenants (src/seed/demo-articles.ts), with what the
// offline answerer must do: the title of the article that answers it, null when the
// knowledge base has no answer (the desk must say so, not guess), or "@human",
// "@status", "@new_case" when the customer wants an action, not an article.
// Written by hand: paraphrases, typos, terse and chatty wording on purpose.
// Used by `npm run eval:bot` and tests/bot/eval.test.ts.
export type Expected = string | null | "@human" | "@status" | "@new_case";

export interface EvalCase {
  tenant: "acme-insurance" | "globex-telecom";
  question: string;
  expected: Expected;
  /** What the case exercises, for reading the report. */
  kind: "direct" | "paraphrase" | "typo" | "no-answer" | "intent";
}

const acme = (question: string, expected: Expected, kind: EvalCase["kind"]): EvalCase => ({ tenant: "acme-insurance", question, expected, kind });
const globex = (question: string, expected: Expected, kind: EvalCase["kind"]): EvalCase => ({ tenant: "globex-telecom", question, expected, kind });

const CLAIM = "How to file a claim";
const CLAIM_TIME = "How long does a claim take?";
const DETAILS = "Changing your address or personal details";
const RENEWAL = "Why did my premium change at renewal?";
const PAYING = "Paying your premium and payment methods";
const CANCEL = "Cancelling your policy";
const LEAK = "Emergency help for burst pipes and leaks";
const TRAVEL = "Travel insurance add-on";

const DOWN = "Internet is down: what to check first";
const ROAMING = "Roaming and the travel pass";
const PORTING = "Keeping your number when you switch (porting)";
const BILL = "Understanding your bill";
const PLAN = "Changing your plan";
const VOICEMAIL = "Setting up voicemail";
const LATE = "Late payments and reconnection";
const MOVING = "Moving home with Globex internet";

export const EVAL_SET: EvalCase[] = [
  // ---------------------------------------------------------------- acme-insurance
  acme("How do I file a claim?", CLAIM, "direct"),
  acme("i want to make a claim for my broken window", CLAIM, "paraphrase"),
  acme("what documents do i need to submit a claim", CLAIM, "paraphrase"),
  acme("what's the phone number for claims", CLAIM, "paraphrase"),
  acme("how do i fiel a cliam", CLAIM, "typo"),
  acme("how long does it take to process a claim", CLAIM_TIME, "direct"),
  acme("when will my claim be decided", CLAIM_TIME, "paraphrase"),
  acme("how many days for claim decison", CLAIM_TIME, "typo"),
  acme("does a loss adjuster visit slow things down?", CLAIM_TIME, "paraphrase"),
  acme("I moved house, how do I update my address?", DETAILS, "paraphrase"),
  acme("change my phone number", DETAILS, "direct"),
  acme("adress change", DETAILS, "typo"),
  acme("I got married and want to change my name on the policy", DETAILS, "paraphrase"),
  acme("why is my premium higher this year", RENEWAL, "paraphrase"),
  acme("my renewal price went up, why?", RENEWAL, "paraphrase"),
  acme("premuim increase at renewel", RENEWAL, "typo"),
  acme("can I pay monthly by direct debit", PAYING, "direct"),
  acme("how do I change my bank details for payments", PAYING, "paraphrase"),
  acme("which payment methods do you accept", PAYING, "direct"),
  acme("how do i cancel my policy", CANCEL, "direct"),
  acme("is there a fee to cancel?", CANCEL, "paraphrase"),
  acme("do I get a refund if I cancel within 14 days", CANCEL, "paraphrase"),
  acme("cancelation of insurance", CANCEL, "typo"),
  acme("water is leaking from a burst pipe what should i do", LEAK, "paraphrase"),
  acme("emergency plumber number", LEAK, "direct"),
  acme("there's a leak under my sink", LEAK, "paraphrase"),
  acme("does my policy cover medical costs when travelling abroad", TRAVEL, "paraphrase"),
  acme("add travel cover", TRAVEL, "direct"),
  acme("is lost luggage covered", TRAVEL, "paraphrase"),
  acme("do you insure cars?", null, "no-answer"),
  acme("what is the fraud referral form", null, "no-answer"),
  acme("can I get a discount for being a student", null, "no-answer"),
  acme("what are your office opening hours", null, "no-answer"),
  acme("is my dog covered if it bites someone", null, "no-answer"),
  acme("I want to talk to a human", "@human", "intent"),
  acme("this bot is useless, get me a real person", "@human", "intent"),
  acme("what's the status of my case?", "@status", "intent"),
  acme("any news on my ticket", "@status", "intent"),
  acme("please open a case for me", "@new_case", "intent"),
  acme("I'd like to make a complaint", "@new_case", "intent"),

  // ---------------------------------------------------------------- globex-telecom
  globex("my internet is not working", DOWN, "direct"),
  globex("the LOS light on my router is red", DOWN, "paraphrase"),
  globex("wifi down since this morning, is there an outage?", DOWN, "paraphrase"),
  globex("no conection at home", DOWN, "typo"),
  globex("how much is the travel pass for roaming", ROAMING, "direct"),
  globex("I was charged roaming in Canada", ROAMING, "paraphrase"),
  globex("using my phone abroad", ROAMING, "paraphrase"),
  globex("romaing charges mexico", ROAMING, "typo"),
  globex("can I keep my number if I switch to you", PORTING, "paraphrase"),
  globex("port-out PIN", PORTING, "direct"),
  globex("how long does porting take", PORTING, "direct"),
  globex("I don't understand my bill", BILL, "direct"),
  globex("when is my bill due", BILL, "paraphrase"),
  globex("why are there two plan charges on my invoice", BILL, "paraphrase"),
  globex("how do i upgrade my plan", PLAN, "direct"),
  globex("downgrade plan fee?", PLAN, "paraphrase"),
  globex("how do I set up my voicemail", VOICEMAIL, "direct"),
  globex("forgot voicemail pin", VOICEMAIL, "paraphrase"),
  globex("voicemial greeting", VOICEMAIL, "typo"),
  globex("what happens if I pay my bill late", LATE, "paraphrase"),
  globex("my service was suspended, how do I get reconnected", LATE, "paraphrase"),
  globex("late fee amount", LATE, "direct"),
  globex("I'm moving to a new flat, can I take my internet with me", MOVING, "paraphrase"),
  globex("relocating next month, internet installation at new address", MOVING, "paraphrase"),
  globex("do you sell iphones", null, "no-answer"),
  globex("what is your CEO's name", null, "no-answer"),
  globex("is there 5G coverage in rural Montana", null, "no-answer"),
  globex("how do I file an insurance claim", null, "no-answer"),
  globex("can I get a student discount", null, "no-answer"),
  globex("speak to an agent please", "@human", "intent"),
  globex("what is happening with my complaint", "@status", "intent"),
  globex("raise a ticket about my router", "@new_case", "intent"),
];

/**
 * Written after the ranking was tuned on EVAL_SET and never used to tune it: the
 * honest estimate of how the offline answerer does on questions it has not seen.
 */
export const HOLDOUT_SET: EvalCase[] = [
  acme("where do I report damage to my house", CLAIM, "paraphrase"),
  acme("can i claim by phone at night", CLAIM, "paraphrase"),
  acme("how quickly do you pay out on a home claim", CLAIM_TIME, "paraphrase"),
  acme("I need to update my email address", DETAILS, "paraphrase"),
  acme("deed poll name change", DETAILS, "direct"),
  acme("why did the price of my insurance go up", RENEWAL, "paraphrase"),
  acme("what day is the monthly payment taken", PAYING, "paraphrase"),
  acme("can i pay anually by credit card", PAYING, "typo"),
  acme("how much does it cost to cancel after 14 days", CANCEL, "paraphrase"),
  acme("my pipes froze and burst, help", LEAK, "paraphrase"),
  acme("stopcock", LEAK, "direct"),
  acme("travel insurence for my holiday", TRAVEL, "typo"),
  acme("do you offer pet insurance", null, "no-answer"),
  acme("what is your company's registered address", null, "no-answer"),
  acme("can I speak to someone about my policy", "@human", "intent"),
  acme("has anyone looked at my case yet", "@status", "intent"),
  globex("router lights are off and nothing loads", DOWN, "paraphrase"),
  globex("is there an outage in my area", DOWN, "paraphrase"),
  globex("how do I activate the travel pass before my trip", ROAMING, "paraphrase"),
  globex("data charges in mexico", ROAMING, "paraphrase"),
  globex("switching from another provider and want my old number", PORTING, "paraphrase"),
  globex("when do you send the bill each month", BILL, "paraphrase"),
  globex("is there a charge to switch to a cheaper plan", PLAN, "paraphrase"),
  globex("reset voicemail pin", VOICEMAIL, "direct"),
  globex("my line got cut off because I didn't pay", LATE, "paraphrase"),
  globex("how much notice do you need when I move", MOVING, "paraphrase"),
  globex("do you have fibre in my street", null, "no-answer"),
  globex("can I buy a new sim card in a shop", null, "no-answer"),
  globex("i want to open a ticket", "@new_case", "intent"),
  globex("this is ridiculous!!!", "@human", "intent"),
];
