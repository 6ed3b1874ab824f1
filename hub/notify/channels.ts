import type { z } from "zod";
import type { ResolvedSecrets } from "../../shared/config/load-config.ts";
import type { Secret } from "../../shared/config/secret.ts";
import type { Channel } from "./channel.ts";
import type { channelConfig } from "./config-schema.ts";
import { EmailChannel } from "./email/email-channel.ts";
import type { RenderContext } from "./notification.ts";
import { revealUrl } from "./secret-url.ts";
import { SlackChannel } from "./slack/slack-channel.ts";
import { WebhookChannel } from "./webhook/webhook-channel.ts";

export type ChannelConfig = ResolvedSecrets<z.infer<typeof channelConfig>>;
export type ChannelType = ChannelConfig["type"];

/** What building a channel needs besides its own settings. */
export interface ChannelBuildContext {
  name: string;
  render: RenderContext;
  timeoutMs: number;
  /** The config file (or "(defaults)"), named in errors about a channel's settings. */
  configSource: string;
}

type ChannelFactories = { [T in ChannelType]: (config: Extract<ChannelConfig, { type: T }>, ctx: ChannelBuildContext) => Channel };

/**
 * Every channel type and how to build it. The mapped type makes a type without a factory (or a
 * factory for a type the config cannot name) a compile error: adding a channel is its folder, its
 * schema in config-schema.ts and one line here.
 */
export const CHANNEL_FACTORIES: ChannelFactories = {
  slack: (config, ctx) => new SlackChannel({ name: ctx.name, config, url: urlOf(config.url, ctx), render: ctx.render }),
  email: (config, ctx) =>
    new EmailChannel({ name: ctx.name, config, render: ctx.render, timeoutMs: ctx.timeoutMs, configSource: ctx.configSource }),
  webhook: (config, ctx) => new WebhookChannel({ name: ctx.name, config, url: urlOf(config.url, ctx), render: ctx.render }),
};

/** Builds every configured channel; a setting only checkable now (a URL from the environment, a CA file) is a ConfigError. */
export function buildChannels(
  configs: Readonly<Record<string, ChannelConfig>>,
  ctx: Omit<ChannelBuildContext, "name">,
): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  for (const [name, config] of Object.entries(configs)) channels.set(name, buildChannel(config, { ...ctx, name }));
  return channels;
}

function buildChannel<T extends ChannelType>(config: Extract<ChannelConfig, { type: T }>, ctx: ChannelBuildContext): Channel {
  const factory = CHANNEL_FACTORIES[config.type as T] as (c: Extract<ChannelConfig, { type: T }>, x: ChannelBuildContext) => Channel;
  return factory(config, ctx);
}

function urlOf(url: Secret, ctx: ChannelBuildContext): URL {
  return revealUrl(url, { configSource: ctx.configSource, path: `notify.channels.${ctx.name}.url` });
}
