import type { HoursOfOperation } from './hours';
import type { FlowRuntimeOptions } from './options';
import { INTERACTIVE } from '../../core/request/limits';

/**
 * The stand-ins the built-in demo instance's flows need so they run end to end offline: the
 * support Lex bot, the order-status Lambda, and the business hours. They are written in the same
 * formats a developer uses in a workspace (see README of the flow runtime in the final report).
 */
/**
 * The help-menu bot of the interactive demo flow: it opens with a ListPicker (template per the
 * admin guide's interactive messages page) and understands each option's title, which is what a
 * chat widget sends back as text/plain when the customer taps it.
 */
export const DEMO_MENU_BOT_ALIAS_ARN = 'arn:aws:lex:us-east-1:123456789012:bot-alias/MN4XK8Q2TB/TSTALIASID';
export const DEMO_MENU_LIST_PICKER = {
  templateType: 'ListPicker',
  version: '1.0',
  data: {
    replyMessage: { title: 'Thanks for choosing!' },
    content: {
      title: 'What can we help you with?',
      subtitle: 'Tap an option',
      elements: [
        { title: 'Track an order', subtitle: 'Where is my parcel?' },
        { title: 'Start a return', subtitle: 'Send something back' },
        { title: 'Talk to an agent' },
      ],
    },
  },
};
const menuBot = {
  name: 'ExampleOutfittersMenu',
  botId: 'MN4XK8Q2TB',
  aliasArns: [DEMO_MENU_BOT_ALIAS_ARN],
  welcome: { contentType: INTERACTIVE, content: DEMO_MENU_LIST_PICKER },
  fallbackReply: 'Sorry, please pick one of the options.',
  intents: [
    { name: 'TrackOrder', utterances: ['Track an order', 'track my order', 'where is my parcel'] },
    { name: 'StartReturn', utterances: ['Start a return', 'return an item', 'send something back'] },
    { name: 'TalkToAgent', utterances: ['Talk to an agent', 'agent'] },
  ],
};

/**
 * The Concierge flow's bots: a ListPicker menu, a TimePicker for a fitting (the customer's answer
 * is the slot's date string, which each slot intent lists as its utterance) and a QuickReply for
 * gift wrapping. Templates per chat-extras §4.2 (QuickReply's shape is [UNVERIFIED] there).
 */
export const DEMO_CONCIERGE_SLOTS = ['2027-01-05T09:30+00:00', '2027-01-05T15:00+00:00'] as const;
const conciergeBots = [
  {
    name: 'ExampleOutfittersConcierge',
    botId: 'CN7PQ4R2WX',
    aliasArns: ['arn:aws:lex:us-east-1:123456789012:bot-alias/CN7PQ4R2WX/TSTALIASID'],
    welcome: {
      contentType: INTERACTIVE,
      content: {
        templateType: 'ListPicker',
        version: '1.0',
        data: {
          replyMessage: { title: 'Thanks!' },
          content: {
            title: 'How can the concierge help?',
            subtitle: 'Tap an option',
            elements: [{ title: 'Book a fitting', subtitle: 'With a tailor in store' }, { title: 'Gift wrapping', subtitle: 'For an order' }, { title: 'Talk to an agent' }],
          },
        },
      },
    },
    fallbackReply: 'Sorry, please pick one of the options.',
    intents: [
      { name: 'BookFitting', utterances: ['Book a fitting', 'fitting'] },
      { name: 'GiftWrap', utterances: ['Gift wrapping', 'wrap a gift'] },
      { name: 'TalkToAgent', utterances: ['Talk to an agent', 'agent'] },
    ],
  },
  {
    name: 'ExampleOutfittersFitting',
    botId: 'FT3KD8M5QZ',
    aliasArns: ['arn:aws:lex:us-east-1:123456789012:bot-alias/FT3KD8M5QZ/TSTALIASID'],
    welcome: {
      contentType: INTERACTIVE,
      content: {
        templateType: 'TimePicker',
        version: '1.0',
        data: {
          replyMessage: { title: 'Thanks for picking a time' },
          content: { title: 'When would you like your fitting?', subtitle: 'Tap a time', timeZoneOffset: 0, timeslots: DEMO_CONCIERGE_SLOTS.map((date) => ({ date, duration: 30 })) },
        },
      },
    },
    fallbackReply: 'Sorry, please pick one of the times.',
    intents: [
      { name: 'MorningSlot', utterances: [DEMO_CONCIERGE_SLOTS[0], 'morning'] },
      { name: 'AfternoonSlot', utterances: [DEMO_CONCIERGE_SLOTS[1], 'afternoon'] },
    ],
  },
  {
    name: 'ExampleOutfittersGiftWrap',
    botId: 'GW6HT2N9VB',
    aliasArns: ['arn:aws:lex:us-east-1:123456789012:bot-alias/GW6HT2N9VB/TSTALIASID'],
    welcome: {
      contentType: INTERACTIVE,
      content: { templateType: 'QuickReply', version: '1.0', data: { replyMessage: { title: 'Noted!' }, content: { title: 'Which wrapping would you like?', elements: [{ title: 'Classic' }, { title: 'Festive' }] } } },
    },
    fallbackReply: 'Sorry, please pick Classic or Festive.',
    intents: [
      { name: 'ClassicWrap', utterances: ['Classic', 'brown paper'] },
      { name: 'FestiveWrap', utterances: ['Festive', 'red paper'] },
    ],
  },
];

const demoBot = {
  bots: [
    {
      name: 'ExampleOutfittersSupport',
      botId: 'QW7RZ3K5PX',
      aliasArns: ['arn:aws:lex:us-east-1:123456789012:bot-alias/QW7RZ3K5PX/TSTALIASID'],
      fallbackReply: "Sorry, I didn't catch that.",
      intents: [
        {
          name: 'CheckOrderStatus',
          utterances: ['where is my order', 'order status', 'track my order', 'check order {OrderNumber}', 'where is order {OrderNumber}', 'status of order {OrderNumber}'],
          slots: [{ name: 'OrderNumber', type: 'AMAZON.Number', prompt: 'Sure. What is your order number?' }],
          reply: 'Thanks, let me look up order {OrderNumber}.',
        },
        {
          name: 'TalkToAgent',
          utterances: ['agent', 'talk to an agent', 'speak to a person', 'human please', 'representative'],
          reply: 'Okay, I will get you to an agent.',
        },
        {
          name: 'Goodbye',
          utterances: ['bye', 'goodbye', 'that is all', 'no thanks'],
        },
      ],
    },
    menuBot,
    ...conciergeBots,
  ],
};

const demoLambdas = {
  functions: {
    'arn:aws:lambda:us-east-1:123456789012:function:order-status-lookup': {
      cases: [
        { when: { orderId: '12345' }, response: { orderStatus: 'SHIPPED', carrier: 'UPS', estimatedDelivery: 'Friday' } },
        { when: { orderId: '67890' }, response: { orderStatus: 'PROCESSING', carrier: '', estimatedDelivery: '' } },
        { when: { orderId: '99999' }, error: 'order service timed out' },
      ],
      response: { orderStatus: 'NOT_FOUND', carrier: '', estimatedDelivery: '' },
    },
  },
};

const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const;
const demoHours: HoursOfOperation[] = [
  {
    HoursOfOperationId: 'b3f9a1d7-4e2c-4c86-a5d0-9e7b3f1a6c24',
    Name: 'Business Hours',
    TimeZone: 'America/New_York',
    Config: weekdays.map((Day) => ({ Day, StartTime: { Hours: 8, Minutes: 0 }, EndTime: { Hours: 18, Minutes: 0 } })),
  },
];

/** Options that make the demo instance's flows work; spread into createFlowRuntime's options. */
export function demoRuntimeOptions(): Pick<FlowRuntimeOptions, 'lexBots' | 'lambdaMocks' | 'hoursOfOperation'> {
  return { lexBots: structuredClone(demoBot), lambdaMocks: structuredClone(demoLambdas), hoursOfOperation: structuredClone(demoHours) };
}
