// Drives the gateway with the official `openai` npm package: plain, streaming and tool-call requests, and a wrong key.
import OpenAI from 'openai';

const baseURL = process.env.JUNCTION_BASE_URL;
const client = new OpenAI({ baseURL, apiKey: process.env.JUNCTION_KEY, maxRetries: 0 });

const plain = await client.chat.completions.create({
  model: 'junction/auto',
  messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is the capital of France?' }],
});

let streamed = '';
let usage = 0;
let finish = null;
const stream = await client.chat.completions.create({
  model: 'junction/auto',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'Tell me a story.' }],
});
for await (const chunk of stream) {
  const choice = chunk.choices[0];
  if (choice) {
    streamed += choice.delta?.content ?? '';
    finish = choice.finish_reason ?? finish;
  }
  if (chunk.usage) usage = chunk.usage.total_tokens;
}

const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
const first = await client.chat.completions.create({
  model: 'junction/auto',
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  tools,
});
const call = first.choices[0].message.tool_calls[0];
const second = await client.chat.completions.create({
  model: 'junction/auto',
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    first.choices[0].message,
    { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' },
  ],
  tools,
});

let wrongKeyStatus = 0;
try {
  await new OpenAI({ baseURL, apiKey: 'jk-wrong', maxRetries: 0 }).chat.completions.create({
    model: 'junction/auto', messages: [{ role: 'user', content: 'hi' }],
  });
} catch (e) {
  wrongKeyStatus = e.status;
}

console.log(JSON.stringify({
  plain: plain.choices[0].message.content,
  plainFinish: plain.choices[0].finish_reason,
  streamed, finish, usage,
  toolName: call.function.name, toolArgs: call.function.arguments, firstFinish: first.choices[0].finish_reason,
  secondFinish: second.choices[0].finish_reason,
  wrongKeyStatus,
}));
